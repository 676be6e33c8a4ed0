import Foundation

/// Minimal self-contained SVG charts for `--report`: no dependencies, readable in any browser.
enum SVGPlot {
  static let width = 760.0, height = 360.0
  static let right = 20.0, top = 40.0, bottom = 50.0
  /// The left margin that fits the longest label (about 7 px per character at 12 px).
  static func left(fitting labels: [String]) -> Double { max(70, 7.2 * Double(labels.map(\.count).max() ?? 0) + 20) }
  /// Twenty distinguishable colours (Tableau 20).
  static let palette = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
    "#aec7e8", "#ff9896", "#98df8a", "#ffbb78", "#c5b0d5", "#c49c94", "#f7b6d2", "#9edae5", "#dbdb8d", "#393b79",
  ]
  /// Smallest time drawn: faster runs sit on this line with hollow markers ("< 1 µs").
  static let timeFloor = 1e-6

  /// The same colour for a solver in every plot: its place in the catalog, or for solvers
  /// outside it a stable hash of the name.
  static func colour(of solver: String) -> String {
    if let index = Catalog.solverNames.firstIndex(of: solver) { return palette[index % palette.count] }
    let hash = solver.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    return palette[Int(hash % UInt64(palette.count))]
  }

  /// One row per category, a dot per value (jittered vertically), plus the mean as a bar.
  static func strip(title: String, axis: String, categories: [(name: String, values: [Double])]) -> String {
    let rowHeight = 28.0
    let left = left(fitting: categories.map(\.name))
    let plotHeight = max(rowHeight, rowHeight * Double(categories.count))
    let all = categories.flatMap(\.values)
    let upper = max(1, all.max() ?? 1) * 1.05  // at least 0–1 %, so all-zero gaps read as zero
    let lower = min(0, all.min() ?? 0)
    let x = { (v: Double) in left + (v - lower) / (upper - lower) * (width - left - right) }
    var svg = header(title: title, height: top + plotHeight + bottom)
    for (i, category) in categories.enumerated() {
      let y = top + rowHeight * (Double(i) + 0.5)
      svg += text(category.name, x: left - 8, y: y + 4, anchor: "end")
      svg += line(left, y, width - right, y, color: "#eee")
      for (j, v) in category.values.enumerated() {
        let jitter = (Double((j * 7919) % 11) - 5) * 1.2
        svg += "<circle cx=\"\(f(x(v)))\" cy=\"\(f(y + jitter))\" r=\"3\" fill=\"\(colour(of: category.name))\" fill-opacity=\"0.6\"/>\n"
      }
      if !category.values.isEmpty {
        let mean = category.values.reduce(0, +) / Double(category.values.count)
        svg += line(x(mean), y - 10, x(mean), y + 10, color: "#000", width: 2)
      }
    }
    svg += axisLine(y: top + plotHeight, left: left, ticks: linearTicks(lower, upper).map { ($0, x($0), tick($0)) }, label: axis)
    svg += line(width - right - 150, 28, width - right - 150, 40, color: "#000", width: 2)
    svg += text("mean of the solver's gaps", x: width - right - 144, y: 38, anchor: "start", size: 11)
    return svg + "</svg>\n"
  }

  /// Log-log scatter of (x, y) points per series, with a legend.
  /// Times (y) below ``timeFloor`` are drawn on it, hollow, and its tick reads "≤ 1 µs".
  static func logLog(title: String, xAxis: String, yAxis: String, series: [(name: String, points: [(Double, Double)])]) -> String {
    let series = series.map { s in (name: s.name, points: s.points.map { ($0.0, max($0.1, timeFloor), $0.1 < timeFloor) }) }
    let left = 70.0
    let points = series.flatMap(\.points).filter { $0.0 > 0 }
    let xs = points.map { log10($0.0) }, ys = points.map { log10($0.1) }
    let (x0, x1) = (floor(xs.min() ?? 0), max(ceil(xs.max() ?? 1), floor(xs.min() ?? 0) + 1))
    let (y0, y1) = (floor(ys.min() ?? -3), max(ceil(ys.max() ?? 0), floor(ys.min() ?? -3) + 1))
    let plotHeight = height - top - bottom
    // The legend sits in its own column right of the plot, never over the data.
    let plotRight = width - right - legendWidth
    let px = { (v: Double) in left + (log10(v) - x0) / (x1 - x0) * (plotRight - left) }
    let py = { (v: Double) in top + plotHeight - (log10(v) - y0) / (y1 - y0) * plotHeight }
    var svg = header(title: title, height: height)
    for e in stride(from: y0, through: y1, by: 1) {
      let y = py(pow(10, e))
      svg += line(left, y, plotRight, y, color: "#eee")
      svg += text(timeTick(pow(10, e)), x: left - 8, y: y + 4, anchor: "end")
    }
    svg += text(yAxis, x: 14, y: top + plotHeight / 2, anchor: "middle", rotate: true)
    for (i, s) in series.enumerated() {
      let color = colour(of: s.name)
      for (a, b, floored) in s.points where a > 0 {
        let fill = floored ? "fill=\"none\" stroke=\"\(color)\"" : "fill=\"\(color)\" fill-opacity=\"0.7\""
        svg += "<circle cx=\"\(f(px(a)))\" cy=\"\(f(py(b)))\" r=\"3.5\" \(fill)/>\n"
      }
      svg += "<rect x=\"\(f(plotRight + 10))\" y=\"\(f(top + 6 + 16 * Double(i)))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>\n"
      svg += text(s.name, x: plotRight + 26, y: top + 15 + 16 * Double(i), anchor: "start", size: 11)
    }
    let ticks = stride(from: x0, through: x1, by: 1).map { (pow(10, $0), px(pow(10, $0)), tick(pow(10, $0))) }
    svg += axisLine(y: top + plotHeight, left: left, right: plotRight, ticks: ticks, label: xAxis)
    return svg + "</svg>\n"
  }

  /// A Dolan–Moré performance profile: per solver, the fraction of instances whose ratio to the
  /// best solver is at most τ, a step function of τ on a log₂ axis (τ = 1 is "fastest").
  static func profile(title: String, series: [(name: String, ratios: [Double])]) -> String {
    let left = 70.0
    let finite = series.flatMap(\.ratios).filter(\.isFinite)
    let upper = max(1, ceil(log2(finite.max() ?? 2)))
    let plotHeight = height - top - bottom
    let px = { (tau: Double) in left + log2(tau) / upper * (width - left - right - 170) }
    let py = { (fraction: Double) in top + plotHeight - fraction * plotHeight }
    var svg = header(title: title, height: height)
    for fraction in stride(from: 0.0, through: 1.0, by: 0.25) {
      svg += line(left, py(fraction), width - right - 170, py(fraction), color: "#eee")
      svg += text(String(format: "%.2f", fraction), x: left - 8, y: py(fraction) + 4, anchor: "end")
    }
    svg += text("fraction of instances", x: 14, y: top + plotHeight / 2, anchor: "middle", rotate: true)
    for (i, s) in series.enumerated() {
      let color = colour(of: s.name)
      let count = Double(max(1, s.ratios.count))
      let steps = s.ratios.filter(\.isFinite).sorted()
      var path = "M \(f(px(1))) \(f(py(0)))"
      var solved = 0.0
      for tau in steps {
        path += " H \(f(px(tau)))"
        solved += 1
        path += " V \(f(py(solved / count)))"
      }
      path += " H \(f(px(pow(2, upper))))"
      svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-opacity=\"0.85\"/>\n"
      svg += "<rect x=\"\(f(width - right - 160))\" y=\"\(f(top + 6 + 16 * Double(i)))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>\n"
      svg += text(s.name, x: width - right - 144, y: top + 15 + 16 * Double(i), anchor: "start", size: 11)
    }
    let ticks = stride(from: 0.0, through: upper, by: max(1, (upper / 8).rounded(.up))).map { (pow(2, $0), px(pow(2, $0)), "\(Int(pow(2, $0)))") }
    svg += axisLine(y: top + plotHeight, left: left, right: width - right - 170, ticks: ticks, label: "τ: time within τ × the fastest solver's")
    return svg + "</svg>\n"
  }

  private static func header(title: String, height: Double) -> String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
      + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      + text(title, x: width / 2, y: 22, anchor: "middle", size: 15)
  }

  private static func axisLine(y: Double, left: Double, right: Double = width - right, ticks: [(Double, Double, String)], label: String) -> String {
    var svg = line(left, y, right, y, color: "#333")
    for (_, x, name) in ticks {
      svg += line(x, y, x, y + 5, color: "#333")
      svg += text(name, x: x, y: y + 18, anchor: "middle")
    }
    return svg + text(label, x: (left + right) / 2, y: y + 38, anchor: "middle")
  }

  private static func linearTicks(_ lower: Double, _ upper: Double) -> [Double] {
    let raw = (upper - lower) / 5
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    return stride(from: (lower / step).rounded(.up) * step, through: upper, by: step).map { $0 }
  }

  /// Width of the legend column right of the log-log and profile plots.
  static let legendWidth = 170.0

  /// A power of ten of seconds in one style: `≤ 1 µs`, `10 µs`, `100 µs`, `1 ms`, ..., `1 s`, `10 s`.
  static func timeTick(_ seconds: Double) -> String {
    if seconds <= timeFloor * 1.000001 { return "≤ 1 µs" }
    for (unit, scale) in [("µs", 1e-6), ("ms", 1e-3)] where seconds < scale * 1000 * 0.999999 {
      return "\(Int((seconds / scale).rounded())) \(unit)"
    }
    return "\(Int(seconds.rounded())) s"
  }

  private static func tick(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e6 ? String(Int(v)) : String(format: "%g", v)
  }

  private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String, width: Double = 1) -> String {
    "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(color)\" stroke-width=\"\(f(width))\"/>\n"
  }

  private static func text(_ s: String, x: Double, y: Double, anchor: String, size: Double = 12, rotate: Bool = false) -> String {
    let escaped = s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    let transform = rotate ? " transform=\"rotate(-90 \(f(x)) \(f(y)))\"" : ""
    return "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(f(size))\"\(transform)>\(escaped)</text>\n"
  }

  private static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
