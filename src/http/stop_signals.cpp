#include "switchboard/http/stop_signals.hpp"

#include <pthread.h>

namespace switchboard::http {

stop_signals::stop_signals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

int stop_signals::wait() const {
  int signal = 0;
  sigwait(&signals_, &signal);  // fails only for an invalid set
  return signal;
}

}  // namespace switchboard::http
