import Logging
import NIOCore
import NIOPosix

/// Opening a connection: connect, log in (AUTH, SELECT), and what a failure does (backoff).
/// Runs on the connection's event loop.
extension RedisConnection {
    func connect() {
        let state = self.state.value
        state.connecting = true
        state.generation += 1
        let generation = state.generation
        let endpoint = configuration.endpoint
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(Int64(configuration.connectTimeout.milliseconds)))
            .channelInitializer { [self] channel in
                let handler = RedisReplyHandler(
                    endpointDescription: endpoint.description,
                    replyByteLimit: configuration.replyByteLimit,
                    onRead: { [self] bytes in moved(bytes, generation: generation) },
                    onReply: { [self] value in received(value, generation: generation) },
                    onEnd: { [self] error in
                        if self.state.value.generation == generation { dropConnection(error) }
                    })
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
        let connecting: EventLoopFuture<any Channel>
        switch endpoint.address {
        case .tcp(let host, let port):
            connecting = bootstrap.channelOption(.tcpOption(.tcp_nodelay), value: 1).connect(host: host, port: port)
        case .unix(let path):
            connecting = bootstrap.connect(unixDomainSocketPath: path)
        }
        connecting.hop(to: eventLoop).whenComplete { [self] result in
            let state = self.state.value
            guard generation == state.generation else {
                if case .success(let channel) = result { channel.close(promise: nil) }
                return
            }
            switch result {
            case .success(let channel): handshake(on: channel)
            case .failure(let error): connectFailed(Self.connectError(error, endpoint: endpoint))
            }
        }
    }

    private static func connectError(_ error: any Error, endpoint: RedisEndpoint) -> RedisError {
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return RedisError(code: .timeout, message: "cannot connect to \(endpoint): connection timed out")
        }
        return RedisError(code: .connection, message: "cannot connect to \(endpoint): \(error)")
    }

    /// AUTH and SELECT, pipelined, right after connecting; the waiting batches go out once they pass.
    private func handshake(on channel: any Channel) {
        let state = self.state.value
        state.channel = channel
        if state.closing {
            dropConnection(Self.closedError)
            return
        }
        let endpoint = configuration.endpoint
        var commands = [RedisCommand]()
        if let password = endpoint.password {
            commands.append(RedisCommand("AUTH", endpoint.user.map { [$0, password] } ?? [password]))
        }
        if endpoint.database != 0 {
            commands.append(RedisCommand("SELECT", [String(endpoint.database)]))
        }
        guard !commands.isEmpty else {
            connected(channel)
            return
        }
        let login = commands
        let check = Batch(commands: login) { [self] result in
            // Completions run on the event loop; a failed socket is handled by dropConnection.
            guard case .success(let replies) = result else { return }
            for (command, reply) in zip(login, replies) {
                if case .error(let message) = reply {
                    let what = command.name == "AUTH" ? "AUTH as \(endpoint.user ?? "default")" : "SELECT \(endpoint.database)"
                    dropConnection(RedisError(code: .authentication, message: "\(what) on \(endpoint) was refused: \(message)"))
                    return
                }
            }
            connected(channel)
        }
        write([check], on: channel)
    }

    private func connected(_ channel: any Channel) {
        let state = self.state.value
        state.connecting = false
        state.ready = true
        if state.lastConnectError != nil {
            logger.info("reconnected to redis", metadata: ["redis.endpoint": "\(configuration.endpoint)"])
        }
        state.lastConnectError = nil
        state.nextConnectAttempt = nil
        state.backoff = configuration.reconnectInitialBackoff
        writeWaiting(on: channel)
    }

    /// A connect or login failed: callers waiting for it get the error; the next attempt waits the backoff.
    func connectFailed(_ error: RedisError) {
        let state = self.state.value
        state.connecting = false
        if state.closing {
            failWaiting(Self.closedError)
            return
        }
        if state.lastConnectError == nil {
            logger.warning("redis unreachable", metadata: ["redis.endpoint": "\(configuration.endpoint)", "redis.error": "\(error.message)"])
        }
        state.lastConnectError = error
        state.nextConnectAttempt = NIODeadline.now() + .milliseconds(Int64(state.backoff.milliseconds))
        state.backoff = min(state.backoff * 2, configuration.reconnectMaxBackoff)
        failWaiting(error.markedNotSent())
    }
}
