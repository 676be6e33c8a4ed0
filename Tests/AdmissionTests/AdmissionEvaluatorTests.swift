import Admission
import Testing
@testable import EdgeSplitModel

@Suite struct AdmissionEvaluatorTests {
  @Test func latencyIsRecomputedFromTheLayers() throws {
    let instance = try tinyAdmission()
    // Prefix 1 (layer a) on a 10 GFLOP/s device: 1 s; 400 B at 8 Mbit/s: 0.4 ms; delay 5 ms;
    // 90 GFLOP on 2 threads of 10 GFLOP/s with f = 0.9: 9 s × (0.1 + 0.45) = 4.95 s.
    let seconds = AdmissionEvaluator.latency(instance, request: 0, cloudlet: 0, devicePrefix: 1, threads: 2)
    #expect(abs(seconds - (1 + 0.0004 + 0.005 + 4.95)) < 1e-12)
  }

  @Test func feasibleSolutionCountsAdmittedWeight() throws {
    let instance = try tinyAdmission()
    let verdict = AdmissionEvaluator.evaluate(AdmissionSolution(admissions: [
      Admission(request: 0, cloudlet: 0, devicePrefix: 1, threads: 2),
      Admission(request: 1, cloudlet: 1, devicePrefix: 0, threads: 2),
    ]), on: instance)
    #expect(verdict.violations == [])
    #expect(verdict.objective == 2)
  }

  @Test func everyBrokenConstraintIsReported() throws {
    let instance = try tinyAdmission()
    let verdict = AdmissionEvaluator.evaluate(AdmissionSolution(admissions: [
      Admission(request: 0, cloudlet: 1, devicePrefix: 0, threads: 2),
      Admission(request: 1, cloudlet: 1, devicePrefix: 0, threads: 1),
      Admission(request: 0, cloudlet: 0, devicePrefix: 0, threads: 1),
      Admission(request: 7, cloudlet: 0, devicePrefix: 0, threads: 1),
      Admission(request: 1, cloudlet: 0, devicePrefix: 4, threads: 1),
    ]), on: instance)
    #expect(verdict.violations == [
      "admissions[2]: request 'r0' admitted more than once",
      "admissions[3]: request index 7 out of range",
      "admissions[4]: request 'r1' admitted more than once",
      "cloudlet 'c1': 3 threads given out, capacity 2",
    ])
  }

  @Test func deadlineAndPartitionViolations() throws {
    var instance = try tinyAdmission()
    var requests = instance.requests
    requests[0].deadlineMs = 100
    instance = try AdmissionInstance(name: "t", models: instance.models, cloudlets: instance.cloudlets, requests: requests)
    let verdict = AdmissionEvaluator.evaluate(AdmissionSolution(admissions: [
      Admission(request: 0, cloudlet: 0, devicePrefix: 0, threads: 4),
      Admission(request: 1, cloudlet: 0, devicePrefix: 4, threads: 1),
    ]), on: instance)
    #expect(verdict.violations.count == 2)
    #expect(verdict.violations[0].hasPrefix("admissions[0]: request 'r0' takes"))
    #expect(verdict.violations[1].contains("the server part must not be empty"))
  }
}
