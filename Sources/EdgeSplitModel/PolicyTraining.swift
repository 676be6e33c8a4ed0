import Foundation

/// How a family with a learned online policy trains it, declared in the family's catalog
/// registration, so that `solverbench train` serves every such family and the CLI has no
/// family-specific command.
public struct PolicyTraining: Sendable {
  /// A named part or setting of a family's training, with one line for `--help`.
  public struct Option: Sendable, Hashable {
    /// The name `--disable` or `--set` takes.
    public let name: String
    /// One line for `--help` (for a setting: the value's form and its default).
    public let help: String

    public init(name: String, help: String) {
      self.name = name
      self.help = help
    }
  }

  /// A part of the family's training that is on unless `--disable` names it (`experience-init`).
  public typealias Switch = Option
  /// A setting of the training distribution or of the learner (`rate`), given as
  /// `--set name=value`; the family parses the value and names it in its errors.
  public typealias Parameter = Option

  /// What a training run is asked for.
  public struct Request: Sendable, Hashable {
    /// The training seed: the same seed and request give the same policy, bit for bit.
    public var seed: UInt64
    /// Training episodes.
    public var episodes: Int
    /// The ``Switch`` names switched off.
    public var disabled: Set<String>
    /// ``Parameter`` values by name (the family's defaults for the others).
    public var settings: [String: String]
    /// Instance files to train on instead of generated traces (none: generated).
    public var traces: [URL]
    /// Instance files the trained policy is scored on after training (held-out traces).
    public var heldOut: [URL]

    public init(seed: UInt64, episodes: Int, disabled: Set<String> = [], settings: [String: String] = [:],
                traces: [URL] = [], heldOut: [URL] = []) {
      self.seed = seed
      self.episodes = episodes
      self.disabled = disabled
      self.settings = settings
      self.traces = traces
      self.heldOut = heldOut
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
    /// The trained policy's objective on each ``Request/heldOut`` file as CSV with a header
    /// (`instance,objective`); `nil` when none was asked for.
    public var evaluationCSV: String?

    public init(policy: Data, curveCSV: String, summary: String, evaluationCSV: String? = nil) {
      self.policy = policy
      self.curveCSV = curveCSV
      self.summary = summary
      self.evaluationCSV = evaluationCSV
    }
  }

  /// Where the policy the family ships lives, relative to the package root.
  public let defaultOutput: String
  /// The parts of training that can be switched off.
  public let switches: [Switch]
  /// The settings `--set` accepts.
  public let parameters: [Parameter]
  /// Episodes a run trains by default.
  public let defaultEpisodes: Int
  private let body: @Sendable (Request, @escaping @Sendable (_ done: Int, _ total: Int) -> Void) throws -> Result
  private let sampler: (@Sendable (Request, [UInt64]) throws -> [(name: String, data: Data)])?

  /// - Parameters:
  ///   - defaultOutput: where the policy the family ships lives, relative to the package root.
  ///   - defaultEpisodes: episodes a run trains by default.
  ///   - switches: the parts of training that can be switched off.
  ///   - parameters: the settings `--set` accepts.
  ///   - sample: draws one instance file of the request's training distribution per seed (the
  ///     same seed, the same file), so held-out traces come from the same distribution with
  ///     seeds training does not use; `nil` when the family cannot.
  ///   - train: runs a request, reporting progress after each episode; throws on a bad setting
  ///     or file (naming it).
  public init(defaultOutput: String, defaultEpisodes: Int, switches: [Switch], parameters: [Parameter] = [],
              sample: (@Sendable (Request, [UInt64]) throws -> [(name: String, data: Data)])? = nil,
              train: @escaping @Sendable (Request, @escaping @Sendable (_ done: Int, _ total: Int) -> Void) throws -> Result) {
    self.defaultOutput = defaultOutput
    self.defaultEpisodes = defaultEpisodes
    self.switches = switches
    self.parameters = parameters
    sampler = sample
    body = train
  }

  /// Whether ``sample(_:seeds:)`` is available.
  public var canSample: Bool { sampler != nil }

  /// Instance files (name, bytes) of the request's training distribution, one per seed.
  public func sample(_ request: Request, seeds: [UInt64]) throws -> [(name: String, data: Data)] {
    try sampler?(request, seeds) ?? []
  }

  /// Trains as `request` asks; `progress` hears (episodes done, total).
  public func train(_ request: Request, progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> Result {
    try body(request, progress)
  }
}
