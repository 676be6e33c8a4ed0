import EdgeSplitModel
import Foundation

/// Where and how a benchmark ran, recorded in every JSON, CSV and report, so numbers can be
/// compared only with numbers taken the same way.
public struct RunContext: Codable, Sendable, Hashable {
  /// EdgeSplit's version.
  public var version: String
  /// `git rev-parse --short HEAD` of the working directory, when it is a git checkout.
  public var commit: String?
  /// When the run started, ISO 8601 in UTC.
  public var date: String
  /// CPU architecture, cores and memory, e.g. `x86_64, 2 cores, 23.4 GiB`.
  public var machine: String
  /// The operating system as Foundation reports it.
  public var os: String
  /// The Swift compiler that built solverbench.
  public var swift: String
  /// Time limit of each exact solve, seconds (`nil`: none).
  public var timeLimitSeconds: Double?
  /// Seed of randomized solvers.
  public var seed: UInt64
  /// Instances run at once (`--jobs`): times are clean only with 1.
  public var jobs: Int
  /// The solver rows are compared with (`--versus`), if any.
  public var versus: String?

  public init(version: String = EdgeSplitVersion.current, commit: String?, date: String, machine: String, os: String,
              swift: String, timeLimitSeconds: Double?, seed: UInt64, jobs: Int, versus: String? = nil) {
    self.version = version
    self.commit = commit
    self.date = date
    self.machine = machine
    self.os = os
    self.swift = swift
    self.timeLimitSeconds = timeLimitSeconds
    self.seed = seed
    self.jobs = jobs
    self.versus = versus
  }

  /// This process's context for a run with `settings` on `jobs` threads.
  public static func current(settings: SolverOptions, jobs: Int = 1, versus: String? = nil) -> RunContext {
    let info = ProcessInfo.processInfo
    var system = utsname()
    uname(&system)
    let architecture = withUnsafeBytes(of: &system.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let memory = Double(info.physicalMemory) / Double(1 << 30)
    return RunContext(
      commit: gitCommit(), date: ISO8601DateFormatter().string(from: Date()),
      machine: "\(architecture), \(info.activeProcessorCount) cores, \(String(format: "%.1f", memory)) GiB",
      os: info.operatingSystemVersionString, swift: compilerVersion, timeLimitSeconds: settings.timeLimit,
      seed: settings.seed, jobs: jobs, versus: versus)
  }

  /// The compiler's version, to the minor release.
  static var compilerVersion: String {
    #if compiler(>=6.4)
      "Swift 6.4 or later"
    #elseif compiler(>=6.3)
      "Swift 6.3"
    #elseif compiler(>=6.2)
      "Swift 6.2"
    #else
      "Swift 6.1"
    #endif
  }

  private static func gitCommit() -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "rev-parse", "--short", "HEAD"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? nil : text
  }

  /// `key: value` lines, for the report's header and the CSV's `#` lines.
  var lines: [String] {
    [
      "edgesplit \(version)\(commit.map { " (commit \($0))" } ?? "")", "date \(date)", "machine \(machine)", "os \(os)",
      "compiler \(swift)", "time limit \(timeLimitSeconds.map { "\($0) s" } ?? "none") per exact solve, seed \(seed), jobs \(jobs)"
        + (versus.map { ", compared with \($0)" } ?? ""),
    ]
  }
}
