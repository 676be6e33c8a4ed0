import EdgeSplitModel
import Upload

/// A convex function below one UE's replayed completion time with one partition, for every
/// compute share `f' > 0` and bandwidth share `0 < b' <= b`, equal to it at the replay's shares
/// `(f, b)`: the maximum of ``terms``, each `constant + transfer · b / b' + server · f / f'`.
/// ``ShareTable`` turns the tangent planes of these into bounds on whole cells of shares that
/// are exact to second order, where the grid's monotone bound alone (the completion at the
/// cell's largest shares) is exact to first order only.
///
/// **Why it holds** (parallel uploading, static shares; write `u = 1 / f'` and `w = 1 / b'`, the
/// seconds per FLOP and per byte):
/// - The server runs the UE's server layers `s_1 … s_n` one at a time in execution order, each
///   starting once the previous one is done and its own parameters and device tensors have
///   arrived (its server inputs are done by then). So the last one finishes at exactly
///   `max_j (R_j + u · S_j)`, with `S_j` the FLOPs of `s_j … s_n` and `R_j` the latest of those
///   arrivals.
/// - Tensors go first-released-first with priority over parameters, and are released when device
///   layers finish (at times that do not depend on the shares). A tensor arrives at
///   `max_l (r_l + w · B_l)` over the releases `r_l` before it, `B_l` the tensor bytes released
///   from `r_l` up to it: at least the term active at `b`, which is affine in `w`.
/// - The uplink is busy from time 0 until the last parameter block has arrived, and a tensor
///   preempts a parameter upload, so a block arriving at `A` has been sent after every tensor
///   released before `A`: `A = w · (P + T(A))`, with `P` the parameter bytes up to that block and
///   `T(A)` the tensor bytes released before `A`. `A` does not decrease as `w` grows (the
///   parameter bytes sent by any time `t` are `max_{s <= t} (s / w − T(s))`), so for `w >= 1 / b`
///   `A(w) >= w · b · A(1 / b)`, affine in `w`.
/// - So the completion is at least `a + u · S + w · Y` for every server layer and each of its
///   arrivals, and at least the device's finish time `D`: a maximum of functions convex in
///   `(f', b')` on the positive quadrant, which lies above each of its tangent planes.
///
/// This is the argument for a UE running one frame (``UploadUE/frames``); with more, the minorant
/// is the constant completion, which monotonicity alone makes a valid bound.
///
/// At `(f, b)` the maximum is the replayed completion; when it does not match the evaluator's
/// to `1e-9` (it always has in the tests), the minorant falls back to the constant completion,
/// which monotonicity alone makes a valid bound.
struct LatencyMinorant: Sendable, Hashable {
  /// One lower bound: `constant + transfer · b / b' + server · f / f'` seconds (`b`, `f` the
  /// shares the replay ran at).
  struct Term: Sendable, Hashable {
    var constant: Double, transfer: Double, server: Double
  }
  /// The shares of the replay, GFLOP/s and Mbit/s.
  let computeGflops: Double, bandwidthMbps: Double
  /// The completion time at those shares, in seconds.
  let value: Double
  /// The lower bounds; their maximum at the replay's shares is ``value``.
  let terms: [Term]

  /// The minorant at shares `(f', b')` with `0 < b' <= b` (infinite at a zero share some term needs).
  func value(computeGflops f: Double, bandwidthMbps b: Double) -> Double {
    terms.reduce(0) { max($0, evaluate($1, f, b)) }
  }

  /// The tangent plane of the minorant at `(f', b')`, as (value there, seconds per GFLOP/s and
  /// per Mbit/s less share): below the minorant everywhere, which is convex.
  func tangent(computeGflops f: Double, bandwidthMbps b: Double) -> (value: Double, computeSlope: Double, bandwidthSlope: Double) {
    var best = (value: 0.0, computeSlope: 0.0, bandwidthSlope: 0.0)
    for term in terms {
      let value = evaluate(term, f, b)
      if value > best.value {
        best = (value, term.server > 0 ? term.server * computeGflops / (f * f) : 0,
                term.transfer > 0 ? term.transfer * bandwidthMbps / (b * b) : 0)
      }
    }
    return best
  }

  private func evaluate(_ term: Term, _ f: Double, _ b: Double) -> Double {
    term.constant + (term.transfer > 0 ? term.transfer * bandwidthMbps / b : 0) + (term.server > 0 ? term.server * computeGflops / f : 0)
  }

  /// The minorant of `ue` running `onDevice`, from its replay at shares `f`, `b`; `nil` when the
  /// partition cannot run there (it needs a share that is 0).
  init?(_ ue: UploadUE, onDevice: [Bool], computeGflops f: Double, bandwidthMbps b: Double) {
    let timeline = UploadEvaluator.timeline(
      of: ue, UploadDecision(onDevice: onDevice, computeGflops: f, bandwidthMbps: b), mode: .parallel)
    let completion = timeline.completion
    guard completion.isFinite else { return nil }
    computeGflops = f
    bandwidthMbps = b
    value = completion
    // Several frames interleave the uplink's queues differently (later frames' tensors queue
    // behind the parameters); the argument above is made for one, so more get the constant.
    let constant = [Term(constant: completion, transfer: 0, server: 0)]
    guard ue.frames == 1 else {
      terms = constant
      return
    }
    let finish = timeline.finish[0]
    let model = ue.model
    let order = ue.order
    let serverLayers = order.filter { !onDevice[$0] }
    // The device's finish time, with no slopes.
    var terms = [Term(constant: order.filter { onDevice[$0] }.map { finish[$0] }.max() ?? 0, transfer: 0, server: 0)]

    // Each tensor's arrival as `r + transfer`, `transfer` its busy period's bytes at `b`.
    var arrival: [Int?: (release: Double, transfer: Double)] = [:]
    var tensors: [(producer: Int?, release: Double, bytes: Double)] = []
    if serverLayers.contains(where: { model.predecessors[$0].isEmpty }) { tensors.append((nil, 0, model.inputBytes)) }
    for v in order where onDevice[v] && model.successors[v].contains(where: { !onDevice[$0] }) {
      tensors.append((v, finish[v], model.layers[v].outputBytes))
    }
    tensors.sort { $0.release < $1.release }  // stable, as the evaluator sends them
    var busy: (release: Double, transfer: Double)?
    for tensor in tensors {
      let seconds = tensor.bytes > 0 ? Seconds.transfer(tensor.bytes, mbps: b) : 0
      if let current = busy, current.release + current.transfer >= tensor.release {
        busy = (current.release, current.transfer + seconds)
      } else {
        busy = (tensor.release, seconds)
      }
      arrival[tensor.producer] = busy
    }

    // Server layers from the last: `suffix` is the server seconds of `s_j … s_n` at `f`.
    var suffix = 0.0
    for v in serverLayers.reversed() {
      if model.layers[v].flops > 0 { suffix += Seconds.compute(model.layers[v].flops, gflops: f) }
      var ready: [(release: Double, transfer: Double)] = []
      if model.layers[v].paramBytes > 0 { ready.append((0, timeline.paramsArrived[v])) }
      if model.predecessors[v].isEmpty, let input = arrival[nil] { ready.append(input) }
      for u in model.predecessors[v] where onDevice[u] { if let tensor = arrival[u] { ready.append(tensor) } }
      if ready.isEmpty { ready.append((0, 0)) }
      for (release, transfer) in ready { terms.append(Term(constant: release, transfer: transfer, server: suffix)) }
    }
    let top = terms.reduce(0) { max($0, $1.constant + $1.transfer + $1.server) }
    // A mismatch would mean the replay does something the argument above misses: fall back to
    // the constant completion, a bound by monotonicity alone.
    guard abs(top - completion) <= 1e-9 * completion else {
      self.terms = constant
      return
    }
    // Rounding may put the maximum an ulp above the completion: lower it, never raise a bound.
    let excess = max(0, top - completion)
    self.terms = terms.map { Term(constant: $0.constant - excess, transfer: $0.transfer, server: $0.server) }
  }
}
