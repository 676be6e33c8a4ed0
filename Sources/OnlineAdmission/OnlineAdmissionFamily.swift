import Admission
import EdgeSplitModel

/// P1 online: requests arrive one by one and each is admitted or rejected on arrival, from what
/// has arrived so far; admitted requests give their threads back when they depart.
public enum OnlineAdmissionFamily: ProblemFamily {
  public typealias Instance = OnlineAdmissionInstance
  /// The same solution type as P1: who is admitted, where, with which cut and threads.
  public typealias Solution = AdmissionSolution

  public static let name = "online-admission"
  public static let title = "P1 online: admission on arrival, threads returned at departure"
  public static let sense = ObjectiveSense.maximize
  public static let sizeUnit = "requests"
  public static let objectiveUnit = ObjectiveUnit.quantity("weight admitted")

  public static func evaluate(_ solution: AdmissionSolution, on instance: OnlineAdmissionInstance) -> Verdict {
    OnlineAdmissionEvaluator.evaluate(solution, on: instance)
  }

  /// Each admitted request's arrival, departure, cloudlet, device prefix and threads, in arrival
  /// order, then the evaluator's violations and the number rejected.
  public static func plan(_ solution: AdmissionSolution, on instance: OnlineAdmissionInstance) -> String {
    let verdict = evaluate(solution, on: instance)
    var lines = ["P1 online plan for '\(instance.name)': \(solution.admissions.count) of \(instance.requests.count) requests admitted, weight \(formatted(verdict.objective, digits: 2))"]
    lines += verdict.violations.map { "INFEASIBLE: \($0)" }
    lines.append("request | arrives ms | departs ms | cloudlet | device layers | threads")
    for a in solution.admissions.sorted(by: { $0.request < $1.request })
    where instance.requests.indices.contains(a.request) && instance.cloudlets.indices.contains(a.cloudlet) {
      let departure = instance.departureMs(a.request)
      lines.append("\(instance.requests[a.request].name) | \(formatted(instance.arrivals[a.request].atMs)) | \(departure.isFinite ? formatted(departure) : "never") | \(instance.cloudlets[a.cloudlet].name) | \(a.devicePrefix) | \(a.threads)")
    }
    lines.append("rejected: \(instance.requests.count - Set(solution.admissions.map(\.request)).count)")
    return lines.joined(separator: "\n") + "\n"
  }

  /// P1's drawing: one cluster per admitted request.
  public static func graph(_ solution: AdmissionSolution, on instance: OnlineAdmissionInstance) -> String {
    AdmissionFamily.graph(solution, on: instance.base)
  }
}

/// The independent checker for online P1 solutions: replays the arrivals.
///
/// Every admission is checked as P1 checks it (indices, partition, threads, deadline, from the
/// layers); then, cloudlet by cloudlet, the arrivals of its admitted requests are replayed in
/// time order, releasing the threads of those that departed (`atMs + holdMs ≤ now`), and the
/// threads held right after each admission must be at most `K_c`. The load only rises at
/// arrivals, so this checks the capacity at every moment. The objective is the weight admitted.
public enum OnlineAdmissionEvaluator {
  public static func evaluate(_ solution: AdmissionSolution, on instance: OnlineAdmissionInstance) -> Verdict {
    let checked = AdmissionEvaluator.checkAdmissions(solution, on: instance.base)
    var violations = checked.violations
    for c in instance.cloudlets.indices {
      let capacity = instance.cloudlets[c].threads
      let onCloudlet = checked.valid.filter { $0.cloudlet == c }.sorted {
        (instance.arrivals[$0.request].atMs, $0.request) < (instance.arrivals[$1.request].atMs, $1.request)
      }
      var held: [(departure: Double, threads: Int)] = []
      var reported = false
      for a in onCloudlet where !reported {
        let now = instance.arrivals[a.request].atMs
        held.removeAll { $0.departure <= now }
        held.append((instance.arrivals[a.request].holdMs.map { now + $0 } ?? .infinity, a.threads))
        let load = held.reduce(0) { $0 + $1.threads }
        if load > capacity {
          violations.append("cloudlet '\(instance.cloudlets[c].name)': \(load) threads held at \(formatted(now)) ms, capacity \(capacity)")
          reported = true
        }
      }
    }
    return Verdict(objective: checked.objective, violations: violations)
  }
}
