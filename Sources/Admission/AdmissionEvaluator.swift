import EdgeSplitModel

/// The independent checker for P1 solutions.
///
/// It recomputes every admitted request's latency from the layers (not from any solver's
/// tables), checks the deadline, the thread capacity of every cloudlet, that each request is
/// admitted at most once, that indices are in range and that the partition is valid, and
/// recomputes the objective as the total weight admitted.
public enum AdmissionEvaluator {
  /// End-to-end latency in seconds of request `r` on cloudlet `c`, with the first
  /// `devicePrefix` layers on the device and `threads` server threads.
  public static func latency(
    _ instance: AdmissionInstance, request r: Int, cloudlet c: Int, devicePrefix: Int, threads: Int
  ) -> Double {
    let request = instance.requests[r]
    let model = instance.model(of: r)
    let cloudlet = instance.cloudlets[c]
    let partition = model.partition(devicePrefix: devicePrefix)
    let device = Seconds.compute(model.deviceFlops(partition), gflops: request.deviceGflops)
    let transfer = Seconds.transfer(model.transferBytes(partition), mbps: request.uplinkMbps)
      + request.delaysMs[c] / 1000
    let server = model.serverFlops(partition)
      / (cloudlet.threadGflops * 1e9 * model.speedup(threads: threads))
    return device + transfer + server
  }

  /// Checks `solution` against `instance` and recomputes its objective.
  public static func evaluate(_ solution: AdmissionSolution, on instance: AdmissionInstance) -> Verdict {
    let checked = checkAdmissions(solution, on: instance)
    var violations = checked.violations
    var used = [Int](repeating: 0, count: instance.cloudlets.count)
    for a in checked.valid { used[a.cloudlet] += a.threads }
    for (c, threads) in used.enumerated() where threads > instance.cloudlets[c].threads {
      violations.append("cloudlet '\(instance.cloudlets[c].name)': \(threads) threads given out, capacity \(instance.cloudlets[c].threads)")
    }
    return Verdict(objective: checked.objective, violations: violations)
  }

  /// Every check of ``evaluate(_:on:)`` except the cloudlets' capacities: indices in range, each
  /// request admitted at most once, a valid partition, a thread count within the cloudlet's, the
  /// deadline met. Returns the admissions whose indices and thread counts are valid (for a
  /// capacity check, static or over time), the violations and the weight admitted.
  public static func checkAdmissions(_ solution: AdmissionSolution, on instance: AdmissionInstance)
    -> (valid: [Admission], violations: [String], objective: Double)
  {
    var violations: [String] = []
    var valid: [Admission] = []
    var admitted = Set<Int>()
    var objective = 0.0
    for (i, a) in solution.admissions.enumerated() {
      let at = "admissions[\(i)]"
      guard instance.requests.indices.contains(a.request) else {
        violations.append("\(at): request index \(a.request) out of range"); continue
      }
      let name = instance.requests[a.request].name
      guard admitted.insert(a.request).inserted else {
        violations.append("\(at): request '\(name)' admitted more than once"); continue
      }
      guard instance.cloudlets.indices.contains(a.cloudlet) else {
        violations.append("\(at): cloudlet index \(a.cloudlet) out of range"); continue
      }
      let model = instance.model(of: a.request)
      guard (0..<model.layers.count).contains(a.devicePrefix) else {
        violations.append("\(at): request '\(name)': device prefix \(a.devicePrefix) outside 0..<\(model.layers.count) (the server part must not be empty)")
        continue
      }
      if let problem = model.partitionProblem(model.partition(devicePrefix: a.devicePrefix)) {
        violations.append("\(at): request '\(name)': \(problem)"); continue
      }
      let cloudlet = instance.cloudlets[a.cloudlet]
      guard (1...cloudlet.threads).contains(a.threads) else {
        violations.append("\(at): request '\(name)': \(a.threads) threads, cloudlet '\(cloudlet.name)' allows 1...\(cloudlet.threads)")
        continue
      }
      valid.append(a)
      let seconds = latency(instance, request: a.request, cloudlet: a.cloudlet,
                            devicePrefix: a.devicePrefix, threads: a.threads)
      let deadline = instance.requests[a.request].deadlineMs / 1000
      if !fitsWithin(seconds, deadline) {
        violations.append("\(at): request '\(name)' takes \(seconds * 1000) ms, deadline \(deadline * 1000) ms")
      }
      objective += instance.requests[a.request].weight
    }
    return (valid, violations, objective)
  }
}
