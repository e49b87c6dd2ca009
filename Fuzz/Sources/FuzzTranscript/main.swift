import FuzzSupport

runLibFuzzer(fuzzTranscript)
