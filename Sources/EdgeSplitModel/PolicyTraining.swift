import Foundation

/// How a family with a learned online policy trains it, declared in the family's catalog
/// registration, so that `solverbench train` serves every such family and the CLI has no
/// family-specific command.
public struct PolicyTraining: Sendable {
  /// A part of the family's training that is on unless switched off (`experience-init`).
  public struct Switch: Sendable, Hashable {
    /// The name `--disable` takes.
    public let name: String
    /// One line for `--help`.
    public let help: String

    public init(name: String, help: String) {
      self.name = name
      self.help = help
    }
  }

  /// What a training run is asked for.
  public struct Request: Sendable, Hashable {
    /// The training seed: the same seed and request give the same policy, bit for bit.
    public var seed: UInt64
    /// Training episodes.
    public var episodes: Int
    /// The ``Switch`` names switched off.
    public var disabled: Set<String>

    public init(seed: UInt64, episodes: Int, disabled: Set<String> = []) {
      self.seed = seed
      self.episodes = episodes
      self.disabled = disabled
    }
  }

  /// What a training run produced.
  public struct Result: Sendable {
    /// The policy file's bytes.
    public var policy: Data
    /// The learning curve as CSV with a header (one row per episode).
    public var curveCSV: String
    /// One line saying what was trained.
    public var summary: String

    public init(policy: Data, curveCSV: String, summary: String) {
      self.policy = policy
      self.curveCSV = curveCSV
      self.summary = summary
    }
  }

  /// Where the policy the family ships lives, relative to the package root.
  public let defaultOutput: String
  /// The parts of training that can be switched off.
  public let switches: [Switch]
  /// Episodes a run trains by default.
  public let defaultEpisodes: Int
  private let body: @Sendable (Request, @escaping @Sendable (_ done: Int, _ total: Int) -> Void) -> Result

  /// - Parameters:
  ///   - defaultOutput: where the policy the family ships lives, relative to the package root.
  ///   - defaultEpisodes: episodes a run trains by default.
  ///   - switches: the parts of training that can be switched off.
  ///   - train: runs a request, reporting progress after each episode.
  public init(defaultOutput: String, defaultEpisodes: Int, switches: [Switch],
              train: @escaping @Sendable (Request, @escaping @Sendable (_ done: Int, _ total: Int) -> Void) -> Result) {
    self.defaultOutput = defaultOutput
    self.defaultEpisodes = defaultEpisodes
    self.switches = switches
    body = train
  }

  /// Trains as `request` asks; `progress` hears (episodes done, total).
  public func train(_ request: Request, progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }) -> Result {
    body(request, progress)
  }
}
