import Admission
import AdmissionMILP
import EdgeSplitModel
import ModelZoo
import Foundation

/// Fewest threads for `(r, c)` found by trying every prefix and thread count with the
/// evaluator's own latency: the oracle the table and the brute force are checked against.
func scannedCheapestThreads(_ instance: AdmissionInstance, request r: Int, cloudlet c: Int) -> Int? {
  let deadline = instance.requests[r].deadlineMs / 1000
  var best: Int?
  for p in 0..<instance.model(of: r).layers.count {
    for k in 1...instance.cloudlets[c].threads where k < (best ?? .max) {
      if fitsWithin(AdmissionEvaluator.latency(instance, request: r, cloudlet: c, devicePrefix: p, threads: k), deadline) {
        best = k
        break
      }
    }
  }
  return best
}

/// The P1 optimum by enumerating, for every request, "rejected" or one of the cloudlets (at its
/// scanned cheapest thread count), with capacity checked directly. Exponential: tiny cases only.
func bruteForceOptimum(_ instance: AdmissionInstance) -> Double {
  let choices = instance.requests.indices.map { r in
    instance.cloudlets.indices.compactMap { c in scannedCheapestThreads(instance, request: r, cloudlet: c).map { (c, $0) } }
  }
  var best = 0.0
  var used = [Int](repeating: 0, count: instance.cloudlets.count)
  func visit(_ r: Int, _ value: Double) {
    if r == instance.requests.count { best = max(best, value); return }
    visit(r + 1, value)
    for (c, k) in choices[r] where used[c] + k <= instance.cloudlets[c].threads {
      used[c] += k
      visit(r + 1, value + instance.requests[r].weight)
      used[c] -= k
    }
  }
  visit(0, 0)
  return best
}

/// Small zoo models, so tiny instances stay quick to enumerate.
let tinyModels = ["alexnet", "resnet18", "googlenet"].map { ModelZoo.model(named: $0)! }

/// The shipped small P1 instances (`instances/admission/small-*.json`), by file name.
func shippedSmallInstances() throws -> [(name: String, instance: AdmissionInstance)] {
  let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../instances/admission").standardized
  let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
    .filter { $0.lastPathComponent.hasPrefix("small-") }.sorted { $0.path < $1.path }
  return try files.map { file in (file.lastPathComponent, try InstanceIO.load(AdmissionFamily.self, contentsOf: file)) }
}
