import EdgeSplitModel
import Foundation
@testable import Harness
import Testing
import Upload

private let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../instances").standardized

/// The one mechanism every file-backed type shares (``Validated``): each family's files read and
/// write back unchanged, defaults stated in a file are never unknown fields, and a field at fault
/// deep inside nested arrays is named by its whole path.
@Suite struct FileFieldsTests {
  private func text(_ file: String) throws -> String {
    try String(contentsOf: shipped.appendingPathComponent(file), encoding: .utf8)
  }

  private func decode(_ text: String) throws(InstanceLoadError) -> (instance: AnyInstance, unknownFields: [String]) {
    try InstanceIO.decodeFindingUnknownFields(Data(text.utf8), file: "x.json", defaultName: "x", families: Catalog.families)
  }

  private func loadError(_ text: String) -> String {
    do { _ = try decode(text); return "loaded" } catch { return error.description }
  }

  /// The shipped files are what the encoder writes, so decoding then encoding gives the same bytes.
  @Test(arguments: ["admission/small-01.json", "surgery/alexnet-pi-1mbps-latency.json", "fused/tinyyolov2-r5-up5.json",
                    "upload/small-chain-2ue-loose.json", "upload/fast-ues-05-realloc.json", "streams/rate2-bw40.json"])
  func everyFamilyRoundTrips(file: String) throws {
    let original = try text(file)
    let (instance, unknown) = try decode(original)
    #expect(unknown.isEmpty)
    let encoded = try InstanceIO.encode(instance)
    #expect(String(decoding: encoded, as: UTF8.self) == original.trimmingCharacters(in: .newlines))
    #expect(try InstanceIO.decode(encoded, file: "y.json", families: Catalog.families) == instance)
  }

  /// `"reallocation": "none"` and `"weight": 1` are documented values that happen to be the
  /// defaults: stated or left out, the file reads the same and nothing is reported as unknown.
  @Test func defaultsStatedOrOmittedAreNotUnknown() throws {
    let upload = try text("upload/small-chain-2ue-loose.json")
    #expect(upload.contains("\"reallocation\" : \"none\","))
    let withoutPolicy = upload.replacingOccurrences(of: "\"reallocation\" : \"none\",", with: "")
    for variant in [upload, withoutPolicy] {
      let (instance, unknown) = try decode(variant)
      #expect(unknown.isEmpty)
      #expect(InstanceIO.unknownFields(in: Data(variant.utf8), of: instance).isEmpty)
      #expect(instance.typed(as: UploadFamily.self)?.reallocation == ReallocationPolicy.none)
    }
    #expect(try decode(withoutPolicy).instance == decode(upload).instance)

    let admission = try text("admission/small-01.json")
    #expect(admission.contains("\"weight\" : 1"))
    let withoutWeights = admission.replacingOccurrences(of: ",\n      \"weight\" : 1\n", with: "\n")
    #expect(!withoutWeights.contains("\"weight\""))
    for variant in [admission, withoutWeights] { #expect(try decode(variant).unknownFields.isEmpty) }
    #expect(try decode(withoutWeights).instance == decode(admission).instance)

    // A field set to null reads as its default and is not reported either.
    let nullPolicy = upload.replacingOccurrences(of: "\"reallocation\" : \"none\"", with: "\"reallocation\" : null")
    #expect(try decode(nullPolicy).unknownFields.isEmpty)
  }

  /// Misspelled fields are found at every depth, from the same parse that decodes the file.
  @Test func misspelledFieldsAreFoundWithTheirPaths() throws {
    let upload = try text("upload/small-chain-2ue-loose.json")
      .replacingOccurrences(of: "\"reallocation\"", with: "\"realocation\"")
      .replacingOccurrences(of: "\"maxUplinkMbps\"", with: "\"maxUplinkMbps\" : 1, \"cap\"")
    let (instance, unknown) = try decode(upload.replacingOccurrences(of: "\"paramBytes\"", with: "\"paramBytes\" : 0, \"params\""))
    #expect(unknown.first == "realocation")
    #expect(unknown.contains("ues[1].cap"))
    #expect(unknown.contains("ues[0].model.layers[2].params"))
    #expect(InstanceIO.unknownFields(in: Data(upload.utf8), of: instance) == ["realocation", "ues[0].cap", "ues[1].cap"])
  }

  /// A validation failure inside nested arrays is reported with the file and its whole path.
  @Test func invalidNestedFieldsNameTheirWholePath() throws {
    var upload = try text("upload/small-dag-3ue-loose.json")
    let flops = try #require(nthRange(of: "\"flops\" : ", in: upload, layers(in: upload, ue: 0) + 3))
    upload.replaceSubrange(flops, with: "\"flops\" : -7, \"was\" : ")
    #expect(loadError(upload) == "x.json: ues[1].model.layers[2].flops: must be >= 0, got -7.0")

    let streams = try text("streams/rate2-bw40.json")
    let broken = streams.replacingOccurrences(of: "\"accuracy\" :", with: "\"accuracy\" : 2, \"was\" :",
                                              range: streams.range(of: "\"accuracy\" :"))
    #expect(loadError(broken) == "x.json: models[0].exits[0].accuracy: must be in 0.0...1.0, got 2.0")

    let policy = try text("upload/small-chain-2ue-loose.json")
      .replacingOccurrences(of: "\"reallocation\" : \"none\"", with: "\"reallocation\" : \"always\"")
    #expect(loadError(policy) == "x.json: reallocation: unknown policy 'always' (known: none, onRelease)")
  }

  /// The number of `"flops"` keys before UE `ue`'s model ends, so a test can count into UE 1.
  private func layers(in text: String, ue: Int) -> Int {
    let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    let ues = object?["ues"] as? [[String: Any]] ?? []
    return ((ues[ue]["model"] as? [String: Any])?["layers"] as? [Any])?.count ?? 0
  }

  private func nthRange(of needle: String, in text: String, _ n: Int) -> Range<String.Index>? {
    var start = text.startIndex
    var found: Range<String.Index>?
    for _ in 0..<n {
      guard let next = text.range(of: needle, range: start..<text.endIndex) else { return nil }
      found = next
      start = next.upperBound
    }
    return found
  }
}
