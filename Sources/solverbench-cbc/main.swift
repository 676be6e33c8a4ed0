// `solverbench-cbc`: every command of `solverbench` with CBC (EPL-2.0) as the only MILP backend,
// so the binary links no GPL code (`SolveCommandTests` checks it with `ldd`).
import CBCBinding
import SolverBenchCLI

SolverBench.main(backends: [CBCSolver()])
