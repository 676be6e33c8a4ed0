// swift-tools-version: 6.1
// EdgeSplit: exact and approximate solvers for DNN partitioning, parallelism,
// admission and offloading in mobile edge computing.
import PackageDescription

let package = Package(
  name: "EdgeSplit",
  products: [
    .library(name: "EdgeSplit", targets: ["EdgeSplit"]),
    .library(name: "Optimization", targets: ["Optimization"]),
    .library(name: "GLPKBinding", targets: ["GLPKBinding"]),
    .library(name: "CBCBinding", targets: ["CBCBinding"]),
    .library(name: "EdgeSplitModel", targets: ["EdgeSplitModel"]),
    .library(name: "ModelZoo", targets: ["ModelZoo"]),
    .library(name: "ModelImport", targets: ["ModelImport"]),
    .library(name: "Graphs", targets: ["Graphs"]),
    .library(name: "Admission", targets: ["Admission"]),
    .library(name: "AdmissionMILP", targets: ["AdmissionMILP"]),
    .library(name: "Surgery", targets: ["Surgery"]),
    .library(name: "SurgeryMILP", targets: ["SurgeryMILP"]),
    .library(name: "FusedLayer", targets: ["FusedLayer"]),
    .library(name: "Upload", targets: ["Upload"]),
    .library(name: "UploadMILP", targets: ["UploadMILP"]),
    .library(name: "Streams", targets: ["Streams"]),
    .library(name: "OnlineAdmission", targets: ["OnlineAdmission"]),
    .library(name: "OnlineAdmissionMILP", targets: ["OnlineAdmissionMILP"]),
    .library(name: "Harness", targets: ["Harness"]),
    .executable(name: "solverbench", targets: ["solverbench"]),
    .executable(name: "solverbench-cbc", targets: ["solverbench-cbc"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-algorithms.git", from: "1.2.1"),
    .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.1"),
    .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    // `swift package generate-documentation` for the DocC catalog in Sources/EdgeSplit/EdgeSplit.docc.
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // MARK: - Solver vocabulary: termination, bounds, outcomes, MILP models and the backend protocol
    // (pure Swift: linking it links no solver library).
    .target(name: "Optimization"),

    // MARK: - GLPK binding: one MILPSolver backend
    // The system library (header + link flag). libglpk-dev ships no pkg-config file,
    // so the module map names the header and the library directly.
    .systemLibrary(
      name: "CGLPK",
      path: "Sources/CGLPK",
      providers: [.apt(["libglpk-dev"]), .brew(["glpk"])]
    ),
    // The setjmp/longjmp guard: Swift cannot call setjmp, so every GLPK call lives here.
    // The module map's `link "glpk"` only autolinks Swift importers; the C code needs it too.
    .target(
      name: "_GLPKShims", dependencies: ["CGLPK"], path: "Sources/_GLPKShims",
      linkerSettings: [.linkedLibrary("glpk")]
    ),
    // The safe Swift layer: build a MILP from Swift values, validate, solve, read a closed status.
    .target(name: "GLPKBinding", dependencies: ["Optimization", "_GLPKShims"]),
    // Tests also reach the shim directly, for its guard self-test.
    .testTarget(name: "GLPKBindingTests", dependencies: ["GLPKBinding", "_GLPKShims"]),

    // MARK: - CBC binding: a second MILPSolver backend (COIN-OR CBC, EPL-2.0)
    // The system library (CBC's C interface header + link flags).
    .systemLibrary(
      name: "CCbc",
      path: "Sources/CCbc",
      providers: [.apt(["coinor-libcbc-dev"]), .brew(["cbc"])]
    ),
    // C++: CBC throws C++ exceptions; the shim catches them all, so none crosses into Swift.
    .target(
      name: "_CBCShims", dependencies: ["CCbc"], path: "Sources/_CBCShims",
      linkerSettings: [.linkedLibrary("CbcSolver"), .linkedLibrary("Cbc"), .linkedLibrary("CoinUtils")]
    ),
    // The safe Swift layer: the same validation as GLPK's (in Optimization), a closed status.
    .target(name: "CBCBinding", dependencies: ["Optimization", "_CBCShims"]),
    .testTarget(name: "CBCBindingTests", dependencies: ["CBCBinding", "GLPKBinding"]),

    // MARK: - Model, instance files and the one evaluator every solution goes through
    .target(
      name: "EdgeSplitModel",
      dependencies: ["Optimization", .product(name: "HeapModule", package: "swift-collections")]
    ),
    .testTarget(name: "EdgeSplitModelTests", dependencies: ["EdgeSplitModel"]),

    // MARK: - Model zoo: real architectures and seeded synthetic DAGs, numbers computed from the definitions
    .target(
      name: "ModelZoo",
      dependencies: ["EdgeSplitModel", .product(name: "RealModule", package: "swift-numerics")]
    ),
    .testTarget(name: "ModelZooTests", dependencies: ["ModelZoo", "EdgeSplitModel"]),

    // MARK: - Bring your own model: ONNX graphs (own protobuf wire reader) and measured CSV profiles
    .target(name: "ModelImport", dependencies: ["EdgeSplitModel", "ModelZoo"]),
    // Fixtures: the .onnx/.csv files and the script that makes them, read by path.
    .testTarget(name: "ModelImportTests", dependencies: ["ModelImport", "ModelZoo", "EdgeSplitModel", "Optimization"], exclude: ["Fixtures"]),

    // MARK: - Graph algorithms: maximum flow / minimum s–t cut, written once for every family
    .target(name: "Graphs"),
    .testTarget(name: "GraphsTests", dependencies: ["Graphs", "EdgeSplitModel"]),

    // MARK: - Problem families (one module each; exact ILP formulations in their own targets, so
    // the heuristics and min-cut solvers link no GPL code)
    // P1: delay-aware admission with partitioning and thread parallelism.
    .target(
      name: "Admission",
      dependencies: [
        "EdgeSplitModel",
        .product(name: "Algorithms", package: "swift-algorithms"),
        .product(name: "RealModule", package: "swift-numerics"),
      ]
    ),
    .target(name: "AdmissionMILP", dependencies: ["Admission", "EdgeSplitModel"]),
    .testTarget(
      name: "AdmissionTests",
      dependencies: ["Admission", "AdmissionMILP", "Surgery", "FusedLayer", "ModelZoo", "GLPKBinding", "CBCBinding", .product(name: "PropertyBased", package: "swift-property-based")]
    ),

    // P2: DNN surgery (DADS): min-cut partitioning (DSL) and heavy-load throughput (DSH).
    .target(name: "Surgery", dependencies: ["EdgeSplitModel", "Graphs"]),
    .target(name: "SurgeryMILP", dependencies: ["Surgery", "EdgeSplitModel"]),
    .testTarget(name: "SurgeryTests", dependencies: ["Surgery", "SurgeryMILP", "Admission", "ModelZoo", "EdgeSplitModel", "GLPKBinding",
                                                     "CBCBinding"]),

    // P3: fused-layer model parallelism with partial offloading (PSOMW, NFL, BF).
    .target(name: "FusedLayer", dependencies: ["EdgeSplitModel", "ModelZoo", .product(name: "RealModule", package: "swift-numerics")]),
    .testTarget(name: "FusedLayerTests", dependencies: ["FusedLayer", "ModelZoo"]),

    // P4: multi-UE co-inference with on-demand parallel model uploading (MJOA-MU: PBT-DP + ARA).
    .target(name: "Upload", dependencies: ["EdgeSplitModel", "ModelZoo"]),
    .target(name: "UploadMILP", dependencies: ["Upload", "EdgeSplitModel",
                                              .product(name: "Algorithms", package: "swift-algorithms")]),
    .testTarget(name: "UploadTests", dependencies: ["Upload", "UploadMILP", "ModelZoo", "EdgeSplitModel", "GLPKBinding", "CBCBinding"]),
    // P5: stream offloading with multi-exit DNNs (offline DP, online DQN, Greedy).
    .target(name: "Streams", dependencies: ["EdgeSplitModel", "ModelZoo"], resources: [.copy("Resources/streams-policy.json")]),
    .testTarget(name: "StreamsTests", dependencies: ["Streams", "EdgeSplitModel"]),
    // P1 online: requests decided on arrival, threads returned at departure (exponential pricing,
    // greedy and threshold rules); the offline optimum over the same sequence in its own target.
    .target(name: "OnlineAdmission", dependencies: ["Admission", "EdgeSplitModel", "ModelZoo",
                                                    .product(name: "RealModule", package: "swift-numerics")]),
    .target(name: "OnlineAdmissionMILP", dependencies: ["OnlineAdmission", "Admission", "AdmissionMILP", "EdgeSplitModel"]),
    .testTarget(name: "OnlineAdmissionTests", dependencies: ["OnlineAdmission", "OnlineAdmissionMILP", "Admission", "AdmissionMILP",
                                                             "EdgeSplitModel", "ModelZoo", "GLPKBinding", "CBCBinding"]),

    // MARK: - Umbrella: `import EdgeSplit` for everything above
    .target(
      name: "EdgeSplit",
      dependencies: ["Optimization", "EdgeSplitModel", "ModelZoo", "ModelImport", "GLPKBinding", "CBCBinding", "Graphs",
                     "Admission", "AdmissionMILP", "Surgery", "SurgeryMILP", "FusedLayer", "Upload", "UploadMILP", "Streams",
                     "OnlineAdmission", "OnlineAdmissionMILP"]
    ),
    // Runs the README's code examples.
    .testTarget(name: "EdgeSplitTests", dependencies: ["EdgeSplit", "Harness"]),

    // MARK: - Benchmark harness and the thin CLI over it
    .target(
      name: "Harness",
      dependencies: ["EdgeSplitModel", "ModelZoo", "Admission", "AdmissionMILP", "Surgery", "SurgeryMILP", "FusedLayer", "Upload", "UploadMILP", "Streams",
                     "OnlineAdmission", "OnlineAdmissionMILP", .product(name: "RealModule", package: "swift-numerics")]
    ),
    // Fixtures/bad: the corpus of tricky instance files, read by path.
    .testTarget(name: "HarnessTests", dependencies: ["Harness", "GLPKBinding"], exclude: ["Fixtures"]),
    // Every command, over the backends its executable names.
    .target(
      name: "SolverBenchCLI",
      dependencies: ["Harness", "EdgeSplitModel", "ModelImport", "ModelZoo",
                     .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    // Thin mains: `solverbench` links GLPK and CBC; `solverbench-cbc` only CBC (no GPL code).
    .executableTarget(name: "solverbench", dependencies: ["SolverBenchCLI", "GLPKBinding", "CBCBinding"]),
    .executableTarget(name: "solverbench-cbc", dependencies: ["SolverBenchCLI", "CBCBinding"]),
    // A program that uses only the heuristics and min-cut solvers: it must link no GPL code
    // (CLITests runs `ldd` on it).
    .executableTarget(
      name: "heuristics-example", dependencies: ["Admission", "Surgery", "FusedLayer", "ModelZoo", "EdgeSplitModel"],
      path: "Examples/heuristics-example"),
    // Runs the built executables: exit statuses and the messages users see.
    .testTarget(name: "SolverBenchTests", dependencies: ["solverbench", "solverbench-cbc", "heuristics-example"]),
  ]
)
