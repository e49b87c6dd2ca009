import FuzzSupport

runLibFuzzer(fuzzNPY)
