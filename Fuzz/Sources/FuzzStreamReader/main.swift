import FuzzSupport

runLibFuzzer(fuzzStreamReader)
