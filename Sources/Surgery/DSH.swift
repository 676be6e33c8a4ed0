import EdgeSplitModel
import Foundation

/// DSH (DNN Surgery Heavy): a 3-approximation of the throughput objective, the smallest
/// largest stage `max(Te, Tt, Tc)` (DADS, INFOCOM 2019, Algorithm 2).
///
/// It runs ``DSL`` on G′ with the device capacities scaled by α and the server capacities by γ
/// (transfers by 1), over a grid of (α, γ), measures every partition's largest stage
/// *unscaled*, and keeps the best; the grid is then refined around the best point.
///
/// Where the paper is silent or impractical we choose: the paper's linear grid over
/// `[0, ΣTe / min Tt]` with step 1 can have millions of points when some tensor is tiny, so the
/// grid here is in log₂ space, where the scale of a ratio matters: exponents
/// `-span, -span + 1, …, span` for both α and γ (``Parameters/span``, default 8, i.e. weights
/// from 1/256 to 256). Each refinement round halves the step (``Parameters/shrink`` = K = 2) and
/// searches the 5 × 5 points of the window `[best − step, best + step]²`; it stops after
/// ``Parameters/rounds`` rounds or when a round improves the best largest stage by less than
/// ``Parameters/minimumImprovement`` (relative; the paper's ε). The point α = γ = 1 is
/// evaluated first and replaced only by a strictly better partition.
///
/// **Ratio 3 (Theorem 1).** Let P₁ be the DSL partition at α = γ = 1, which is on the grid,
/// and P* a throughput-optimal partition with largest stage OPT. Then
/// `DSH ≤ max stage(P₁) ≤ latency(P₁) ≤ latency(P*) ≤ 3 · max stage(P*) = 3 · OPT`:
/// the second step because stage times are non-negative, the third because P₁ minimizes
/// latency over all valid partitions, the fourth because a sum of three terms is at most
/// three times the largest. The grid search can only improve on P₁.
///
/// A limit of the method, seen on the shipped instances: a weighted min cut only ever returns
/// partitions whose `(Te, Tt, Tc)` minimizes a positive weighting of the stages (a supported
/// point, on the lower convex hull of all partitions' stage vectors), and a balanced throughput
/// optimum is often not such a point. Then no grid, however fine, reaches it (e.g. GoogLeNet at 18.88 Mbit/s: DSH 1.47 × the ILP optimum, which is a
/// plain prefix of the topological order).
public enum DSH {
  /// The search grid's shape (see ``DSH``).
  public struct Parameters: Sendable, Hashable {
    /// Largest |log₂ weight| of the initial grid (step 1 in log₂).
    public var span: Int
    /// Refinement rounds after the initial grid.
    public var rounds: Int
    /// Factor by which each round shrinks the step (the paper's K).
    public var shrink: Double
    /// A round improving the best largest stage by less than this fraction ends the search.
    public var minimumImprovement: Double

    public init(span: Int = 8, rounds: Int = 6, shrink: Double = 2, minimumImprovement: Double = 1e-9) {
      precondition(span >= 0 && rounds >= 0 && shrink > 1 && minimumImprovement >= 0, "invalid DSH parameters")
      self.span = span
      self.rounds = rounds
      self.shrink = shrink
      self.minimumImprovement = minimumImprovement
    }
  }

  /// The best partition found, and how many min cuts it took.
  public struct Outcome: Sendable {
    public var result: SurgeryResult
    /// Grid points evaluated (one ``DSL`` min cut each).
    public var cutsSolved: Int
    /// The log₂ weights (α, γ) of the partition kept.
    public var bestLogWeights: (alpha: Double, gamma: Double)
  }

  /// The grid search as a solver outcome (ratio 3, no proof), with the number of cuts solved.
  public static func solve(
    _ instance: SurgeryInstance, parameters: Parameters = .init(), options: SolverOptions = .init()
  ) -> SolverOutcome<Partition> {
    let outcome = search(instance, parameters: parameters)
    return outcome.result.outcome(for: instance, statistics: .counters(["cutsSolved": Double(outcome.cutsSolved)]))
  }

  /// Runs the grid search and reports where it ended.
  /// - Complexity: `((2·span + 1)² + 25 · rounds)` min cuts of G′.
  public static func search(_ instance: SurgeryInstance, parameters: Parameters = .init()) -> Outcome {
    var best = SurgeryResult(DSL.cut(instance).partition, on: instance)
    var bestPoint = (alpha: 0.0, gamma: 0.0)
    var cuts = 1
    /// DSL at every (α, γ) of the grid except `known`, whose partition is already measured.
    func search(_ alphas: [Double], _ gammas: [Double], known: (alpha: Double, gamma: Double)) {
      for a in alphas {
        for g in gammas where !(a == known.alpha && g == known.gamma) {
          let partition = DSL.cut(instance, deviceWeight: exp2(a), serverWeight: exp2(g)).partition
          cuts += 1
          let candidate = SurgeryResult(partition, on: instance)
          if candidate.stages.largestStage < best.stages.largestStage {
            best = candidate
            bestPoint = (a, g)
          }
        }
      }
    }
    let initial = (-parameters.span...parameters.span).map(Double.init)
    search(initial, initial, known: (0, 0))
    var step = 1.0
    for _ in 0..<parameters.rounds {
      let before = best.stages.largestStage
      step /= parameters.shrink
      let window = { (center: Double) in (-2...2).map { center + Double($0) * step } }
      search(window(bestPoint.alpha), window(bestPoint.gamma), known: bestPoint)
      if before - best.stages.largestStage < parameters.minimumImprovement * before { break }
    }
    return Outcome(result: best, cutsSolved: cuts, bestLogWeights: bestPoint)
  }
}
