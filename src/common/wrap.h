// Text wrapped for a terminal: a long line (an error's cause, where the useful part is at the
// end: "… HTTP 404 NoSuchBucket") is broken into lines of at most `width` columns rather than
// cut. Breaks at spaces; a word longer than a line (a URL, a key) is broken inside, at a UTF-8
// character boundary. Columns are counted as UTF-8 characters (the text is log::printable()'s,
// so control characters are already escaped).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace snaplake {

// The lines of `text`, each at most `width` characters (width >= 1); joined with single spaces
// at the breaks made between words, they give the text back (runs of spaces at a break are
// dropped). An empty text is one empty line.
std::vector<std::string> wrap(std::string_view text, size_t width);

// The width to wrap at on standard output: the terminal's, else 100 (a file, a pipe).
size_t output_width();

}  // namespace snaplake
