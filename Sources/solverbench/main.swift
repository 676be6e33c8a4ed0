// `solverbench` with both MILP backends: GLPK (GPL-3, the default) and CBC (EPL-2.0).
import CBCBinding
import GLPKBinding
import SolverBenchCLI

SolverBench.main(backends: [GLPKSolver(), CBCSolver()])
