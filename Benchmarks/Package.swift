// swift-tools-version: 6.1
// EdgeSplit benchmarks: a separate package so that the root package never depends on the
// benchmark framework. Run from this folder: `swift package benchmark`.
import PackageDescription

let package = Package(
  name: "EdgeSplitBenchmarks",
  dependencies: [
    .package(name: "EdgeSplit", path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    // MARK: - P1 admission: exact ILP, ½-approximation and greedies on small, large and 100k instances
    .executableTarget(
      name: "AdmissionBenchmarks",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "Admission", package: "EdgeSplit"),
        .product(name: "Harness", package: "EdgeSplit"),
        .product(name: "EdgeSplitModel", package: "EdgeSplit"),
        .product(name: "ModelZoo", package: "EdgeSplit"),
      ],
      path: "Benchmarks/AdmissionBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
  ]
)
