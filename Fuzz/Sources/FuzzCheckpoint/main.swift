import FuzzSupport

runLibFuzzer(fuzzCheckpoint)
