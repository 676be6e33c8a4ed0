import FusedLayer
import Admission
import Surgery
import Foundation
import Testing
import EdgeSplitModel

@Suite struct InstanceIOTests {
  /// Every family this module defines: the loader picks one by the file's `"problem"`.
  private let families = [AnyFamily(AdmissionFamily.self), AnyFamily(SurgeryFamily.self), AnyFamily(FusedFamily.self)]

  private func load(_ json: String) throws(InstanceLoadError) -> AnyInstance {
    try InstanceIO.decode(Data(json.utf8), file: "x.json", defaultName: "x", families: families)
  }

  private func loadError(_ json: String) -> String {
    do { _ = try load(json); return "loaded" } catch { return error.description }
  }

  @Test func roundTripKeepsTheInstance() throws {
    let instance = try tinyAdmission()
    let data = try InstanceIO.encode(AdmissionFamily.self, instance)
    #expect(try InstanceIO.decode(AdmissionFamily.self, data, file: "t.json") == instance)
    #expect(try InstanceIO.decode(data, file: "t.json", families: families) == AnyInstance(AdmissionFamily.self, instance))
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains("\"format\" : \"edgesplit/1\""))
    #expect(text.contains("\"problem\" : \"admission\""))
  }

  @Test func missingNameDefaultsToTheFileStem() throws {
    let instance = try tinyAdmission()
    var object = try JSONSerialization.jsonObject(with: InstanceIO.encode(AdmissionFamily.self, instance)) as! [String: Any]
    object["name"] = nil
    let data = try JSONSerialization.data(withJSONObject: object)
    #expect(try InstanceIO.decode(data, file: "dir/stem.json", defaultName: "stem", families: families).name == "stem")
  }

  @Test func errorsNameTheFileAndTheField() throws {
    let good = String(decoding: try InstanceIO.encode(AdmissionFamily.self, tinyAdmission()), as: UTF8.self)
    #expect(loadError("{ not json") .hasPrefix("x.json: malformed JSON"))
    #expect(loadError(#"{"problem":"admission"}"#) == "x.json: format: missing required field")
    #expect(loadError(#"{"format":"edgesplit/9","problem":"admission"}"#)
            == "x.json: format: unsupported format 'edgesplit/9', expected 'edgesplit/1'")
    #expect(loadError(#"{"format":"edgesplit/1","problem":"teleport"}"#)
            == "x.json: problem: unknown problem 'teleport' (known: admission, surgery, fused)")
    #expect(loadError(good.replacingOccurrences(of: "\"deadlineMs\" : 10000", with: "\"deadlineMs\" : -1"))
            == "x.json: requests[0].deadlineMs: must be > 0, got -1.0")
    #expect(loadError(good.replacingOccurrences(of: "\"threads\" : 4", with: "\"threads\" : \"four\""))
            == "x.json: cloudlets[0].threads: has the wrong type, expected an integer")
    #expect(loadError(good.replacingOccurrences(of: "\"inputs\" : [\n            \"a\"\n          ],\n          \"name\" : \"b\"", with: "\"inputs\" : [\"zz\"], \"name\" : \"b\""))
            == "x.json: models[0].layers[1].inputs[0]: layer 'b' reads 'zz', which is not a layer of this model")
    #expect(loadError(good.replacingOccurrences(of: "\"model\" : \"diamond\"", with: "\"model\" : \"vgg\""))
            == "x.json: requests[0].model: unknown model 'vgg'")
    #expect(loadError(good.replacingOccurrences(of: "\"uplinkMbps\"", with: "\"uplink\""))
            == "x.json: requests[0].uplinkMbps: missing required field")
  }
}
