// The general reader: yaml-cpp's event parser feeding a DocumentBuilder.

#include <sstream>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "specs/yaml_builder.h"

namespace sesame::specs {

namespace {

SourceMap::Mark ToMark(const YAML::Mark& m) {
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};
}

class Handler final : public YAML::EventHandler {
 public:
  explicit Handler(DocumentBuilder* builder) : builder_(*builder) {}

  void OnDocumentStart(const YAML::Mark& mark) override { builder_.StartDocument(ToMark(mark)); }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    builder_.Scalar(ToMark(mark), "", DocumentBuilder::ScalarKind::kNull);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw YamlAbort{ToMark(mark), "aliases (*name) are not supported in manifests"};
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    CheckCollectionTag(mark, tag, "seq");
    builder_.StartSequence(ToMark(mark));
  }
  void OnSequenceEnd() override { builder_.End(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    CheckCollectionTag(mark, tag, "map");
    builder_.StartMap(ToMark(mark));
  }
  void OnMapEnd() override { builder_.End(); }

 private:
  static void CheckCollectionTag(const YAML::Mark& mark, const std::string& tag,
                                 const char* kind);

  DocumentBuilder& builder_;
};

void Handler::OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                       const std::string& value) {
  using Kind = DocumentBuilder::ScalarKind;
  static const std::string kCore = "tag:yaml.org,2002:";
  // yaml-cpp tags plain scalars "?" and quoted or block scalars "!".
  if (tag == "?" || tag.empty()) return builder_.Scalar(ToMark(mark), value, Kind::kPlain);
  if (tag == "!" || tag == kCore + "str") {
    return builder_.Scalar(ToMark(mark), value, Kind::kString);
  }
  if (tag == kCore + "int" || tag == kCore + "float" || tag == kCore + "bool" ||
      tag == kCore + "null") {
    return builder_.Scalar(ToMark(mark), value, Kind::kPlain);
  }
  throw YamlAbort{ToMark(mark), "tag \"" + tag + "\" is not supported in manifests"};
}

void Handler::CheckCollectionTag(const YAML::Mark& mark, const std::string& tag,
                                 const char* kind) {
  if (tag.empty() || tag == "?" || tag == "!" || tag == std::string("tag:yaml.org,2002:") + kind) {
    return;
  }
  throw YamlAbort{ToMark(mark), "tag \"" + tag + "\" is not supported in manifests"};
}

ManifestError ErrorAt(const std::string& file, const YAML::Mark& mark, std::string message) {
  SourceMap::Mark m = ToMark(mark);
  return {{file, m.line, m.column}, "", std::move(message)};
}

}  // namespace

std::vector<ManifestError> ReadYamlWithYamlCpp(std::string_view text, const std::string& file,
                                               YamlDocumentSink* sink, size_t* sent) {
  std::vector<ManifestError> errors;
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentBuilder builder(file, &errors, sink);
  Handler handler(&builder);
  for (;;) {
    try {
      if (!parser.HandleNextDocument(handler)) break;
    } catch (const YamlAbort& e) {
      errors.push_back({{file, e.mark.line, e.mark.column}, "", e.message});
      break;
    } catch (const YAML::DeepRecursion& e) {
      errors.push_back(ErrorAt(file, e.mark, "nesting is too deep"));
      break;
    } catch (const YAML::Exception& e) {
      errors.push_back(ErrorAt(file, e.mark, e.msg));
      break;
    } catch (const std::exception& e) {
      errors.push_back({{file, 0, 0}, "", std::string("cannot read: ") + e.what()});
      break;
    }
    builder.EndDocument();
  }
  *sent = builder.sent();
  return errors;
}

}  // namespace sesame::specs
