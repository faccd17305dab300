"""Ways in: moto's in-process interceptor, the HTTP server on one loopback port, that server in a child process."""
