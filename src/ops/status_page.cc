#include "ops/status_page.h"

#include <fmt/format.h>

namespace snaplake::ops {
namespace {

using nlohmann::ordered_json;

std::string html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A field as text: strings as they are, numbers as JSON writes them; missing: empty.
std::string text_of(const ordered_json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::string cell(const ordered_json& doc, const char* key, const char* css = nullptr) {
  return fmt::format("<td{}>{}</td>", css ? fmt::format(" class=\"{}\"", css) : "",
                     html(text_of(doc, key)));
}

constexpr std::string_view kStyle = R"css(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25em .6em; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #f3f3f3; }
td.cause { white-space: pre-wrap; overflow-wrap: anywhere; font-family: ui-monospace, monospace; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.stage-landed { color: #14602b; } .stage-failed, .stage-dead-lettered, .stage-abandoned { color: #a51d1d; }
.none { color: #777; }
)css";

}  // namespace

std::string status_page(const ordered_json& status) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"refresh\" content=\"15\"><title>snaplake status</title>"
      "<style>{}</style></head><body>\n<h1>snaplake status</h1>\n"
      "<p>configuration: <code id=\"config\">{}</code></p>\n",
      kStyle, html(text_of(status, "config")));

  out +=
      "<h2>queues</h2>\n<table id=\"queues\"><tr><th>queue</th><th>waiting</th>"
      "<th>in flight</th><th>delayed</th><th>dead</th><th>location</th></tr>\n";
  const ordered_json queues = status.value("queues", ordered_json::object());
  for (auto it = queues.begin(); it != queues.end(); ++it) {
    const std::string& name = it.key();
    const ordered_json& q = it.value();
    out += fmt::format("<tr data-queue=\"{}\"><td>{}</td>{}{}{}{}{}</tr>\n", html(name), html(name),
                       cell(q, "visible", "n"), cell(q, "inFlight", "n"), cell(q, "delayed", "n"),
                       cell(q, "dead", "n"), cell(q, "location"));
  }
  out += "</table>\n";

  out +=
      "<h2>recent snapshots</h2>\n<table id=\"runs\"><tr><th>export</th><th>instance</th>"
      "<th>stage</th><th>started</th><th>landed</th><th>tables</th><th>rows</th><th>bytes</th>"
      "<th>attempts</th><th>error</th></tr>\n";
  const auto runs = status.value("runs", ordered_json::array());
  if (runs.empty()) out += "<tr><td colspan=\"10\" class=\"none\">(none yet)</td></tr>\n";
  for (const auto& r : runs) {
    std::string stage = text_of(r, "stage");
    out += fmt::format(
        "<tr class=\"run\" data-export-id=\"{}\">{}{}<td class=\"stage "
        "stage-{}\">{}</td>{}{}{}{}{}{}"
        "{}</tr>\n",
        html(text_of(r, "exportId")), cell(r, "exportId"), cell(r, "instanceId"), html(stage),
        html(stage), cell(r, "started"), cell(r, "landed"), cell(r, "tables", "n"),
        cell(r, "rows", "n"), cell(r, "bytes", "n"), cell(r, "attempts", "n"),
        cell(r, "error", "cause"));
  }
  out += "</table>\n";

  out +=
      "<h2>dead letters</h2>\n<table id=\"dead-letters\"><tr><th>time</th><th>queue</th>"
      "<th>message</th><th>received</th><th>cause</th></tr>\n";
  const auto dead = status.value("deadLetters", ordered_json::array());
  if (dead.empty()) out += "<tr><td colspan=\"5\" class=\"none\">(none)</td></tr>\n";
  for (const auto& d : dead) {
    out +=
        fmt::format("<tr class=\"dead-letter\" data-message-id=\"{}\">{}{}{}{}{}</tr>\n",
                    html(text_of(d, "messageId")), cell(d, "time"), cell(d, "queue"),
                    cell(d, "messageId"), cell(d, "receiveCount", "n"), cell(d, "cause", "cause"));
  }
  out += "</table>\n";

  out +=
      "<h2>recent notes</h2>\n<table id=\"notes\"><tr><th>time</th><th>queue</th>"
      "<th>message</th><th>outcome</th><th>detail</th></tr>\n";
  const auto notes = status.value("notes", ordered_json::array());
  if (notes.empty()) out += "<tr><td colspan=\"5\" class=\"none\">(none)</td></tr>\n";
  for (const auto& n : notes) {
    out += fmt::format("<tr class=\"note\">{}{}{}{}{}</tr>\n", cell(n, "time"), cell(n, "queue"),
                       cell(n, "messageId"), cell(n, "outcome"), cell(n, "detail", "cause"));
  }
  out += "</table>\n</body></html>\n";
  return out;
}

}  // namespace snaplake::ops
