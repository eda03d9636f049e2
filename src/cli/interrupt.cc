#include "cli/interrupt.h"

#include <csignal>
#include <cstdlib>

namespace snaplake::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int signal) {
  if (g_interrupted.exchange(true)) std::_Exit(128 + signal);
}

}  // namespace

const std::atomic<bool>& interrupt_on_signals() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    return true;
  }();
  (void)installed;
  return g_interrupted;
}

}  // namespace snaplake::cli
