package dev.agentgrid.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The fan-out's WebSocket clients: real sockets with the WebSocket handshake and framing, all on
 * one small Netty event loop group that reads each socket's frames where they arrive. The JDK's
 * {@code java.net.http.WebSocket} client they replace used about twice the bridge's CPU to read
 * the same frames (each decoded into characters and handed to an executor), so on two cores the
 * clients took the CPU the bridge needed and the figure measured mostly them.
 */
final class FanoutClients implements AutoCloseable {
    private static final int MAX_FRAME_BYTES = 1 << 20;

    private final EventLoopGroup group;
    private final List<Opened> opened = new ArrayList<>();

    FanoutClients(int threads) {
        group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }

    /** Opens a socket to {@code uri}; completes when the bridge's {@code connected} frame arrived. */
    CompletableFuture<Void> open(URI uri, FanoutSocket socket) {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .handleCloseFrames(false) // the socket counts the bridge's close codes itself
                .generateOriginHeader(false) // not a browser: the bridge refuses origins it does not know
                .build();
        ChannelFuture connect = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebSocketClientProtocolHandler(config),
                                new WebSocketFrameAggregator(MAX_FRAME_BYTES), socket);
                    }
                })
                .connect(uri.getHost(), port(uri));
        synchronized (this) {
            opened.add(new Opened(connect.channel(), socket));
        }
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                socket.connected.completeExceptionally(f.cause());
            }
        });
        return socket.connected;
    }

    /** A socket and the connection it reads. */
    private record Opened(Channel channel, FanoutSocket socket) {
    }

    private static int port(URI uri) {
        if (!"ws".equals(uri.getScheme())) {
            throw new IllegalArgumentException("the fan-out clients speak plain WebSocket (ws://), not " + uri);
        }
        return uri.getPort() > 0 ? uri.getPort() : 80;
    }

    /** Closes every socket with a normal close frame, then the event loops. */
    @Override
    public void close() {
        List<ChannelFuture> closes = new ArrayList<>();
        synchronized (this) {
            for (Opened o : opened) {
                o.socket.closing();
                if (o.channel.isActive()) {
                    closes.add(o.channel.writeAndFlush(new CloseWebSocketFrame(1000, "bench done")));
                }
            }
        }
        // One deadline for all: a thousand sockets must not wait two seconds each.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        closes.forEach(f -> f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        synchronized (this) {
            opened.forEach(o -> o.channel.close());
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
