import EdgeSplitModel
import Foundation
import FusedLayer
import ModelZoo

// P3 studies that are not timings (release build, from Benchmarks/):
//   swift run -c release FusedStudy family [instances] [seeds]   PSOMW against BF on the random family
//   swift run -c release FusedStudy time [directory]             PSOMW's wall clock on the shipped instances
//   swift run -c release FusedStudy map [directory]              where fusion pays: SVG heat maps (default results/)

/// PSOMW (default settings) against BF on `RandomFusedInstances` 0..<count, seeds 1...seeds:
/// the share of runs within 0.04% and 1% of the optimum, the worst gap and the time per run.
func family(count: Int, seeds: Int, swarm: PSOMW = PSOMW()) {
  var gaps: [(instance: Int, seed: Int, gap: Double)] = []
  var psomwSeconds: [Double] = []
  let generator = RandomFusedInstances()
  for index in 0..<count {
    let tables = FusedTables(generator.instance(index))
    let optimum = FusedBruteForce.solve(tables).makespan
    for seed in 1...seeds {
      let start = ContinuousClock.now
      let makespan = swarm.solve(tables, seed: UInt64(seed)).makespan
      psomwSeconds.append((ContinuousClock.now - start) / .seconds(1))
      gaps.append((index, seed, 100 * (makespan - optimum) / optimum))
    }
  }
  let runs = Double(gaps.count)
  let worst = gaps.max { $0.gap < $1.gap }!
  let misses = gaps.filter { $0.gap > 0.04 }
  print("random fused family: \(count) instances × \(seeds) seeds = \(gaps.count) PSOMW runs against BF")
  print(String(format: "within 0.04%% of BF: %.2f%% of runs (%d misses on %d instances)", 100 * Double(gaps.count - misses.count) / runs,
               misses.count, Set(misses.map(\.instance)).count))
  print(String(format: "within 1%% of BF: %.2f%% of runs; worst %.4f%% (instance %d, seed %d)",
               100 * Double(gaps.count { $0.gap <= 1 }) / runs, worst.gap, worst.instance, worst.seed))
  print(String(format: "PSOMW seconds per run: median %.4f, max %.4f", psomwSeconds.sorted()[psomwSeconds.count / 2], psomwSeconds.max()!))
  for miss in misses.prefix(20) { print(String(format: "  miss: instance %d seed %d gap %.4f%%", miss.instance, miss.seed, miss.gap)) }
}

/// PSOMW's speed-up over NFL, all-local and all-offload on one network (fused up to 6 layers,
/// tilings 1×1 to 4×4, no downlink cost so 4×4 is exact for BF too), device 5 GFLOP/s, across
/// server/device speed ratios and uplinks; one SVG heat map per baseline in `directory`.
func map(directory: String) throws {
  let ratios = (0...9).map { pow(10, Double($0) / 3) }       // 1 to 1000
  let uplinks = (0...9).map { pow(10, Double($0) / 3) }      // 1 to 1000 Mbit/s
  let tilings = [Tiling(rows: 1, columns: 1), Tiling(rows: 1, columns: 2), Tiling(rows: 2, columns: 2),
                 Tiling(rows: 3, columns: 3), Tiling(rows: 4, columns: 4)]
  for zooName in [ModelZoo.Name.tinyyolov2, .vgg16] {
    let model = ModelZoo.model(zooName), name = zooName.rawValue
    var cells: [[(nfl: Double, local: Double, offload: Double)]] = []
    for uplink in uplinks {
      cells.append(try ratios.map { ratio in
        let instance = try FusedInstance(name: name, model: model, deviceGflops: 5, serverGflops: 5 * ratio, uplinkMbps: uplink,
                                         tilings: tilings, maxBlockLength: 6)
        let tables = FusedTables(instance)
        let best = PSOMW().solve(tables, seed: 1).makespan
        return (FusedBruteForce.noFusion(tables).makespan / best, FusedBruteForce.allLocal(tables).makespan / best,
                FusedBruteForce.allOffload(tables).makespan / best)
      })
    }
    for (baseline, value) in [("nfl", { (c: (nfl: Double, local: Double, offload: Double)) in c.nfl }),
                              ("all-local", { $0.local }), ("all-offload", { $0.offload })] {
      let grid = cells.map { $0.map(value) }
      let (top, cell) = grid.enumerated().flatMap { u, row in row.enumerated().map { (row[$0.offset], (u, $0.offset)) } }.max { $0.0 < $1.0 }!
      print(String(format: "%@ over %@: max %.2f× at server/device %.0f, uplink %.1f Mbit/s; median %.2f×", name, baseline, top,
                   ratios[cell.1], uplinks[cell.0], grid.flatMap { $0 }.sorted()[grid.count * grid[0].count / 2]))
      let svg = heatMap(title: "\(name): PSOMW speed-up over \(baseline) (device 5 GFLOP/s, free downlink)",
                        columns: ratios.map { String(format: "%g", ($0 * 10).rounded() / 10) }, rows: uplinks.map { String(format: "%g", ($0 * 10).rounded() / 10) },
                        xAxis: "server / device speed", yAxis: "uplink Mbit/s", values: grid)
      try svg.write(toFile: "\(directory)/p3-speedup-\(name)-\(baseline).svg", atomically: true, encoding: .utf8)
    }
  }
}

/// A heat map: one cell per value (row 0 at the bottom), coloured from white (1×) to dark red
/// (the largest value) on a log scale and labelled with the value.
func heatMap(title: String, columns: [String], rows: [String], xAxis: String, yAxis: String, values: [[Double]]) -> String {
  let cell = 44.0, left = 80.0, top = 40.0
  let width = left + cell * Double(columns.count) + 20, height = top + cell * Double(rows.count) + 60
  let largest = max(values.flatMap { $0 }.max()!, 1.0001)
  var svg = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(height))" font-family="sans-serif" font-size="11">"#,
             #"<text x="\#(width / 2)" y="20" text-anchor="middle" font-size="13">\#(title)</text>"#]
  for (r, row) in values.enumerated() {
    let y = top + cell * Double(rows.count - 1 - r)
    for (c, value) in row.enumerated() {
      let x = left + cell * Double(c)
      let level = log(max(value, 1)) / log(largest)
      let color = String(format: "rgb(255,%d,%d)", Int(255 * (1 - 0.8 * level)), Int(255 * (1 - level)))
      svg.append(#"<rect x="\#(x)" y="\#(y)" width="\#(cell)" height="\#(cell)" fill="\#(color)" stroke="silver"/>"#)
      svg.append(#"<text x="\#(x + cell / 2)" y="\#(y + cell / 2 + 4)" text-anchor="middle">\#(String(format: "%.2f", value))</text>"#)
    }
    svg.append(#"<text x="\#(left - 6)" y="\#(y + cell / 2 + 4)" text-anchor="end">\#(rows[r])</text>"#)
  }
  let bottom = top + cell * Double(rows.count)
  for (c, label) in columns.enumerated() {
    svg.append(#"<text x="\#(left + cell * (Double(c) + 0.5))" y="\#(bottom + 16)" text-anchor="middle">\#(label)</text>"#)
  }
  svg.append(#"<text x="\#(left + cell * Double(columns.count) / 2)" y="\#(bottom + 40)" text-anchor="middle">\#(xAxis)</text>"#)
  svg.append(#"<text x="16" y="\#(top + cell * Double(rows.count) / 2)" text-anchor="middle" transform="rotate(-90 16 \#(top + cell * Double(rows.count) / 2))">\#(yAxis)</text>"#)
  return (svg + ["</svg>"]).joined(separator: "\n") + "\n"
}

/// PSOMW's wall clock with the default settings on every instance file in `directory` (tables
/// included, median of 5 runs, seed 1) and its worst gap to BF over seeds 1–10.
func timeShipped(directory: String) throws {
  let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
  for file in files {
    let instance = try InstanceIO.load(FusedFamily.self, contentsOf: URL(fileURLWithPath: "\(directory)/\(file)"))
    let seconds = (0..<5).map { _ in
      let start = ContinuousClock.now
      _ = PSOMW().solve(instance, options: SolverOptions(seed: 1))
      return (ContinuousClock.now - start) / .seconds(1)
    }.sorted()[2]
    let tables = FusedTables(instance)
    let optimum = FusedBruteForce.solve(tables).makespan
    let worst = (1...10).map { PSOMW().solve(tables, seed: UInt64($0)).makespan }.max()!
    print(String(format: "%@: PSOMW %.1f ms, worst of seeds 1-10 %.4f%% above BF", instance.name, 1000 * seconds,
                 100 * (worst - optimum) / optimum))
  }
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "family":
  let numbers = arguments.dropFirst().compactMap(Int.init)
  family(count: numbers.first ?? 400, seeds: numbers.dropFirst().first ?? 10,
         swarm: numbers.count >= 4 ? PSOMW(swarmSize: numbers[2], iterations: numbers[3]) : PSOMW())
case "map":
  try map(directory: arguments.dropFirst().first ?? "results")
case "time":
  try timeShipped(directory: arguments.dropFirst().first ?? "../instances/fused")
default:
  print("usage: FusedStudy family [instances] [seeds] [swarm rounds] | map [directory] | time [directory]")
}
