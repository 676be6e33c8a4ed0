// A program that uses only EdgeSplit's heuristics and min-cut solvers: it links no GPL code
// (no GLPK), which CI checks with `ldd`. It builds one instance of each family in code and
// prints each solver's outcome and the evaluator's verdict.
import Admission
import EdgeSplitModel
import FusedLayer
import ModelZoo
import Surgery

let alexnet = ModelZoo.model(.alexnet)
let admission = try AdmissionInstance(
  name: "two-phones", models: [alexnet], cloudlets: [Cloudlet(name: "edge-1", threads: 8, threadGflops: 40)],
  requests: [
    InferenceRequest(name: "phone-a", model: "alexnet", deviceGflops: 30, uplinkMbps: 20, delaysMs: [5], deadlineMs: 120),
    InferenceRequest(name: "phone-b", model: "alexnet", deviceGflops: 10, uplinkMbps: 5, delaysMs: [8], deadlineMs: 150),
  ])
let approximate = AdmissionApproximation.solve(admission)
print("p1-approx: \(approximate); evaluator \(AdmissionFamily.evaluate(approximate.solution!, on: admission).objective)")

let surgery = try SurgeryInstance(name: "googlenet-4g", model: ModelZoo.googlenet(), deviceGflops: 10,
                                  serverGflops: 1000, uplinkMbps: 5.85, objective: .latency)
let cut = DSL.solve(surgery)
print("p2-dsl: \(cut); evaluator \(SurgeryFamily.evaluate(cut.solution!, on: surgery).objective)")

let fused = try FusedInstance(name: "vgg16-block", model: ModelZoo.model(.vgg16), deviceGflops: 10,
                              serverGflops: 400, uplinkMbps: 20, tilings: [Tiling(rows: 2, columns: 2)], maxBlockLength: 4)
let swarm = PSOMW().solve(fused, options: SolverOptions(seed: 1))
print("p3-psomw: \(swarm); evaluator \(FusedFamily.evaluate(swarm.solution!, on: fused).objective)")
