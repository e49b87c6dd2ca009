;; Synthesise each line of a text file with festival's CMU ARCTIC "slt" HTS voice and print the
;; exact word times taken from the utterance's Word -> SylStructure -> Segment relations.
;; Usage: festival -b slt_words.scm driver.scm, where driver.scm holds lines
;;   (slt-one "id" "text" "outdir/")
;; Each call writes outdir/id.wav and outdir/id.words ("word start end" a line, in seconds;
;; pauses are not words).
(voice_cmu_us_slt_arctic_hts)

(define (slt-word-times utt out)
  (mapcar
   (lambda (w)
     (let ((syls (item.relation.daughters w 'SylStructure)))
       (if syls
           (let ((first-seg (item.relation.daughter1 (car syls) 'SylStructure))
                 (last-seg (item.relation.daughtern (car (last syls)) 'SylStructure)))
             (if (and first-seg last-seg)
                 (format out "%s %f %f\n"
                         (item.name w)
                         (item.feat first-seg "segment_start")
                         (item.feat last-seg "segment_end")))))))
   (utt.relation.items utt 'Word)))

(define (slt-one id text outdir)
  (let ((utt (SynthText text))
        (out (fopen (string-append outdir id ".words") "w")))
    (utt.save.wave utt (string-append outdir id ".wav") 'riff)
    (slt-word-times utt out)
    (fclose out)))
