// JSON reporter: the contract of DESIGN §4 (version 1). Field order is fixed for stable diffs.
//
// Written as text straight to the stream, in the layout of nlohmann's dump(2) (which the
// goldens were made with): building a whole ordered_json document first, then dumping it, was
// a tenth of a large scan and held every finding twice in memory. Strings that are not valid
// UTF-8 are still written by nlohmann (replacing invalid sequences), so the bytes stay the same.
#include <algorithm>
#include <atomic>
#include <thread>

#include "linter/report/Escaping.h"
#include "linter/report/Reporter.h"

namespace eg {
namespace {

class Writer {
 public:
  explicit Writer(std::ostream& out) : out_(&out) { buf_.reserve(1 << 16); }
  // Writes into a string (take() gives it) as if inside `depth` open containers that already
  // hold a member each: the findings of one slice, rendered on another thread.
  // `first`: the container has no member yet (the first slice).
  Writer(size_t depth, bool first) : first_(depth, false) { first_.back() = first; }
  ~Writer() { flush(); }
  std::string take() { return std::move(buf_); }
  // Text rendered by a Writer(depth) at this depth: members of the innermost open container.
  void members(std::string_view text) {
    if (text.empty()) return;
    buf_ += text;
    first_.back() = false;
    if (buf_.size() > (1 << 16)) flush();
  }
  size_t depth() const { return first_.size(); }

  void string(std::string_view s) { report::appendJsonString(buf_, s); }
  void number(uint64_t n) { buf_ += std::to_string(n); }
  void boolean(bool b) { buf_ += b ? "true" : "false"; }
  // A member: key and value.
  void text(std::string_view k, std::string_view v) {
    key(k);
    string(v);
  }
  void count(std::string_view k, uint64_t n) {
    key(k);
    number(n);
  }
  void flag(std::string_view k, bool b) {
    key(k);
    boolean(b);
  }

  // Containers: open, then key()/element() before each member, then close.
  void open(char bracket) {
    buf_ += bracket;
    first_.push_back(true);
  }
  void close(char bracket) {
    bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    buf_ += bracket;
    if (buf_.size() > (1 << 16)) flush();
  }
  void key(std::string_view k) {
    element();
    string(k);
    buf_ += ": ";
  }
  void element() {
    if (!first_.back()) buf_ += ',';
    first_.back() = false;
    newline();
  }
  void raw(std::string_view s) { buf_ += s; }
  void flush() {
    if (!out_) return;  // a string writer keeps everything for take()
    out_->write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }

 private:
  void newline() {
    buf_ += '\n';
    buf_.append(2 * first_.size(), ' ');
  }
  std::ostream* out_ = nullptr;
  std::string buf_;
  std::vector<bool> first_;  // per open container: no member written yet
};

class JsonReporter : public Reporter {
 public:
  void write(const Report& report, std::ostream& out) override {
    Writer w(out);
    w.open('{');
    w.count("version", 1);
    w.key("tool");
    w.open('{');
    w.text("name", "edgeguard");
    w.text("version", report.toolVersion);
    w.close('}');
    w.key("findings");
    w.open('[');
    // Large reports are rendered in slices on all jobs (positions, escaping), then written in
    // order: the same bytes as one thread gives. A few slices per job at a time, so that the
    // report is not held whole before it is written.
    const std::vector<Finding>& findings = report.findings;
    constexpr size_t kSlice = 512;
    size_t slices = (findings.size() + kSlice - 1) / kSlice;
    unsigned threads = static_cast<unsigned>(std::min<size_t>(jobs_, slices));
    if (threads > 1) {
      const size_t window = 4 * threads;
      std::vector<std::string> texts(window);
      for (size_t first = 0; first < slices; first += window) {
        size_t last = std::min(slices, first + window);
        std::atomic<size_t> next{first};
        auto work = [&] {
          for (size_t s = next++; s < last; s = next++) {
            Writer sw(w.depth(), s == 0);
            for (size_t i = s * kSlice; i < std::min(findings.size(), (s + 1) * kSlice); ++i) finding(sw, report, findings[i]);
            texts[s - first] = sw.take();
          }
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < std::min<size_t>(threads, last - first); ++t) pool.emplace_back(work);
        work();
        for (std::thread& t : pool) t.join();
        for (size_t s = first; s < last; ++s) {
          w.members(texts[s - first]);
          std::string().swap(texts[s - first]);
        }
      }
    } else {
      for (const Finding& f : findings) finding(w, report, f);
    }
    w.close(']');
    writeRest(w, report);
  }

 private:
  static void finding(Writer& w, const Report& report, const Finding& f) {
    {
      ResolvedRange r = resolve(report.sources, f.location);
      w.element();
      w.open('{');
      w.text("rule", f.rule);
      w.text("name", f.name);
      w.text("severity", f.unknown ? std::string_view("unknown") : toString(f.severity));
      w.text("message", f.message);
      w.text("file", r.path);
      w.count("line", r.line);
      w.count("column", r.column);
      w.count("end_line", r.endLine);
      w.count("end_column", r.endColumn);
      w.text("resource", f.resource);
      w.text("kind", f.kind);
      w.text("fingerprint", f.fingerprint);
      w.flag("suppressed", f.suppressed);
      if (f.suppressed) {
        w.text("suppression_reason", f.suppressionReason);
      }
      if (f.unknown) {
        w.flag("unknown", true);
      }
      if (!f.related.empty()) {
        w.key("related");
        w.open('[');
        for (const RelatedLocation& rl : f.related) {
          ResolvedRange rr = resolve(report.sources, rl.location);
          w.element();
          w.open('{');
          w.text("file", rr.path);
          w.count("line", rr.line);
          w.count("column", rr.column);
          w.text("message", rl.message);
          w.close('}');
        }
        w.close(']');
      }
      w.close('}');
    }
  }

  static void writeRest(Writer& w, const Report& report) {
    // Errors, then notices (EG910-EG912: what the scan could not look at and how to fix that;
    // not errors, so scripts that fail on a non-empty "errors" keep working).
    auto diagnostics = [&](const char* key, bool notices) {
      w.key(key);
      w.open('[');
      for (const Error& e : report.errors) {
        if (e.notice != notices) continue;
        ResolvedRange r = resolve(report.sources, e);
        w.element();
        w.open('{');
        w.text("file", r.path);
        w.count("line", r.line);
        w.count("column", r.column);
        w.text("code", e.code);
        w.text("message", e.message);
        w.close('}');
      }
      w.close(']');
    };
    diagnostics("errors", false);
    if (countRealErrors(report.errors) < report.errors.size()) diagnostics("notices", true);
    ReportCounts c = countFindings(report.findings);
    w.key("summary");
    w.open('{');
    w.count("files", report.files);
    w.count("resources", report.resources);
    w.count("high", c.high);
    w.count("medium", c.medium);
    w.count("low", c.low);
    w.count("suppressed", c.suppressed);
    if (c.unknown) {
      w.count("unknown", c.unknown);
    }
    w.close('}');
    w.close('}');
    w.raw("\n");
  }
};

}  // namespace

std::unique_ptr<Reporter> makeJsonReporter() { return std::make_unique<JsonReporter>(); }

}  // namespace eg
