#pragma once
// The socket of the connection a request arrived on. cpp-httplib does not
// give its handlers the socket, so it is found by the connection's
// addresses (among this process's descriptors) when it is first needed:
// to tell whether the client went away, and to end a connection whose
// request body was refused (its unread rest must not be parsed as the next
// request).
//
// Thread safety: one PeerSocket per request, used by its handler thread.

#include <string>

namespace sesame::controller::api {

struct ConnectionAddress {
  std::string local_address;  // as getnameinfo(NI_NUMERICHOST) writes it
  int local_port = 0;
  std::string remote_address;
  int remote_port = 0;
};

class PeerSocket {
 public:
  explicit PeerSocket(ConnectionAddress address) : address_(std::move(address)) {}

  // Whether the client closed or reset the connection. False when the
  // socket cannot be found (then nothing is cancelled).
  bool Gone();

  // Makes the connection end after what was written so far: its descriptor
  // is replaced by one that reads as end of file, which closes the TCP
  // connection; the server then stops reading it and closes the stand-in.
  void EndConnection();

  // The descriptor, or -1 when none matches.
  int fd();

 private:
  ConnectionAddress address_;
  int fd_ = -2;  // -2: not looked up yet
};

}  // namespace sesame::controller::api
