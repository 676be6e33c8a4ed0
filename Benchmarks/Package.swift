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
    // MARK: - Shared: run budgets and shipped-instance look-ups
    .target(
      name: "BenchmarkSupport",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "EdgeSplitModel", package: "EdgeSplit"),
        .product(name: "Harness", package: "EdgeSplit"),
      ]
    ),

    // MARK: - P1 admission: exact ILP, ½-approximation and greedies on small, large and 100k instances,
    // and the scaling series 1k → 100k requests
    .executableTarget(
      name: "AdmissionBenchmarks",
      dependencies: [
        "BenchmarkSupport",
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "Admission", package: "EdgeSplit"),
        .product(name: "AdmissionMILP", package: "EdgeSplit"),
        .product(name: "GLPKBinding", package: "EdgeSplit"),
        .product(name: "Harness", package: "EdgeSplit"),
        .product(name: "EdgeSplitModel", package: "EdgeSplit"),
        .product(name: "ModelZoo", package: "EdgeSplit"),
      ],
      path: "Benchmarks/AdmissionBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),

    // MARK: - P2 surgery: DSL on deep-cut DAGs of 1k → 50k layers (cuts at 1%, 30%, 70%), Dinic up to 10k,
    // DSH and DSH-local, DSL vs ILP on ResNet-18
    .executableTarget(
      name: "SurgeryBenchmarks",
      dependencies: [
        "BenchmarkSupport",
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "Surgery", package: "EdgeSplit"),
        .product(name: "SurgeryMILP", package: "EdgeSplit"),
        .product(name: "GLPKBinding", package: "EdgeSplit"),
        .product(name: "EdgeSplitModel", package: "EdgeSplit"),
        .product(name: "ModelZoo", package: "EdgeSplit"),
      ],
      path: "Benchmarks/SurgeryBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),

    // MARK: - P2 peers: exports the deep-cut DAGs' G′ (and times DSL on them) for
    // scripts/networkx_peer.py; needs no benchmark framework
    .executableTarget(
      name: "SurgeryPeerExport",
      dependencies: [
        .product(name: "Surgery", package: "EdgeSplit"),
        .product(name: "Graphs", package: "EdgeSplit"),
        .product(name: "EdgeSplitModel", package: "EdgeSplit"),
        .product(name: "ModelZoo", package: "EdgeSplit"),
      ]
    ),

    // MARK: - P3 fused layers: PSOMW, BF and NFL on a VGG-16 instance
    .executableTarget(
      name: "FusedBenchmarks",
      dependencies: [
        "BenchmarkSupport",
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "FusedLayer", package: "EdgeSplit"),
        .product(name: "EdgeSplitModel", package: "EdgeSplit"),
      ],
      path: "Benchmarks/FusedBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),

    // MARK: - P3 studies (not timings): PSOMW against BF on the random family, speed-up heat maps
    .executableTarget(
      name: "FusedStudy",
      dependencies: [
        .product(name: "FusedLayer", package: "EdgeSplit"),
        .product(name: "EdgeSplitModel", package: "EdgeSplit"),
        .product(name: "ModelZoo", package: "EdgeSplit"),
      ]
    ),

    // MARK: - P4 upload: MJOA-MU on 100 UEs with ResNet-50 / GoogLeNet DAGs
    .executableTarget(
      name: "UploadBenchmarks",
      dependencies: [
        "BenchmarkSupport",
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "Upload", package: "EdgeSplit"),
        .product(name: "EdgeSplitModel", package: "EdgeSplit"),
        .product(name: "ModelZoo", package: "EdgeSplit"),
      ],
      path: "Benchmarks/UploadBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
  ]
)
