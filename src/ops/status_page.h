// The status page of `run --listen` (`/`): one self-contained HTML document — its style inline,
// no scripts, no external assets, so it works where nothing else is reachable — that shows what
// `snaplake status` shows, from the same document (`snaplake status --json`'s: config, queues,
// runs, deadLetters, notes). Causes are shown whole. Every value is HTML-escaped: ids, names
// and causes come from events, sources and servers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace snaplake::ops {

std::string status_page(const nlohmann::ordered_json& status);

}  // namespace snaplake::ops
