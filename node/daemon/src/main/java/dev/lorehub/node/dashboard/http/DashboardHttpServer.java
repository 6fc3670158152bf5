package dev.lorehub.node.dashboard.http;

import dev.lorehub.node.dashboard.HttpExchange;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The dashboard's HTTP/1.1 server on 127.0.0.1, on the Netty the node already carries. It only
 * moves bytes: each request is parsed (bounded: 8 KB of headers, 64 KB of body), handed to the
 * routes on the dashboard's executor (they may wait for the node thread), and the reply written
 * back with the security headers; a stream reply stays open as a server-sent event stream that
 * {@link #broadcast} writes to. Connections idle for two minutes are closed.
 */
public final class DashboardHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardHttpServer.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_STREAMS = 16;

    private final EventLoopGroup group;
    private final Channel server;
    private final ChannelGroup streams = new DefaultChannelGroup("dashboard-streams", GlobalEventExecutor.INSTANCE);

    private DashboardHttpServer(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /**
     * Listens on 127.0.0.1:{@code port} (0: any free port).
     *
     * @param routes          answers a request (called on {@code executor})
     * @param securityHeaders added to every reply
     * @throws java.io.UncheckedIOException (or Netty's bind failure) when the port is taken
     */
    public static DashboardHttpServer start(int port, Function<HttpExchange.Request, HttpExchange.Reply> routes,
                                            Executor executor, Map<String, String> securityHeaders) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lorehub-dashboard-http", true),
            NioIoHandler.newFactory());
        DashboardHttpServer[] self = new DashboardHttpServer[1];
        try {
            Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, 120))
                            .addLast(new HttpServerCodec(4096, 8192, 8192))
                            .addLast(new HttpObjectAggregator(MAX_BODY))
                            .addLast(new Handler(self[0], routes, executor, securityHeaders));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
            self[0] = new DashboardHttpServer(group, channel);
            return self[0];
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** The port listened on. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The address listened on (always 127.0.0.1). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Open event streams. */
    public int streams() {
        return streams.size();
    }

    /** Sends one server-sent event to every open stream. */
    public void broadcast(String event, String data) {
        if (streams.isEmpty()) {
            return;
        }
        String text = "event: " + event + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n";
        streams.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        streams.close().awaitUninterruptibly(2_000);
        server.close().awaitUninterruptibly(2_000);
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(3_000);
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final DashboardHttpServer server;
        private final Function<HttpExchange.Request, HttpExchange.Reply> routes;
        private final Executor executor;
        private final Map<String, String> securityHeaders;

        Handler(DashboardHttpServer server, Function<HttpExchange.Request, HttpExchange.Reply> routes, Executor executor,
                Map<String, String> securityHeaders) {
            this.server = server;
            this.routes = routes;
            this.executor = executor;
            this.securityHeaders = securityHeaders;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            if (!msg.decoderResult().isSuccess()) {
                reply(ctx, null, false, 400, "Bad request.");
                return;
            }
            Map<String, String> headers = new HashMap<>();
            for (String name : msg.headers().names()) {
                List<String> all = msg.headers().getAll(name);
                if (all.size() != 1) {
                    reply(ctx, null, false, 400, "Header " + name + " sent " + all.size() + " times.");
                    return;
                }
                headers.put(name.toLowerCase(), all.get(0));
            }
            byte[] body = new byte[msg.content().readableBytes()];
            msg.content().readBytes(body);
            HttpExchange.Request request = new HttpExchange.Request(msg.method().name(), msg.uri(), headers, body);
            boolean keepAlive = HttpUtil.isKeepAlive(msg);
            try {
                executor.execute(() -> {
                    HttpExchange.Reply r;
                    try {
                        r = routes.apply(request);
                    } catch (RuntimeException e) {
                        LOG.warn("Dashboard request {} {} failed: {}", request.method(), request.uri().replaceAll("token=[^&]*",
                            "token=…"), e.toString());
                        r = null;
                    }
                    HttpExchange.Reply reply = r;
                    ctx.executor().execute(() -> reply(ctx, reply, keepAlive, 500, "The dashboard failed; see the node's log."));
                });
            } catch (RejectedExecutionException e) {
                reply(ctx, null, false, 503, "The node is stopping.");
            }
        }

        private void reply(ChannelHandlerContext ctx, HttpExchange.Reply reply, boolean keepAlive, int fallbackStatus,
                           String fallbackText) {
            if (reply == null) {
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(fallbackStatus),
                    Unpooled.copiedBuffer(fallbackText + "\n", StandardCharsets.UTF_8));
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                securityHeaders.forEach((k, v) -> res.headers().set(k, v));
                HttpUtil.setContentLength(res, res.content().readableBytes());
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (reply.stream()) {
                if (server.streams() >= MAX_STREAMS) {
                    reply(ctx, null, false, 503, "Too many open dashboards.");
                    return;
                }
                HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
                securityHeaders.forEach((k, v) -> res.headers().set(k, v));
                reply.headers().forEach((k, v) -> res.headers().set(k, v));
                HttpUtil.setTransferEncodingChunked(res, true);
                ctx.write(res);
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(reply.body())));
                server.streams.add(ctx.channel());
                return;
            }
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()),
                Unpooled.wrappedBuffer(reply.body()));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
            securityHeaders.forEach((k, v) -> res.headers().set(k, v));
            reply.headers().forEach((k, v) -> res.headers().set(k, v));
            HttpUtil.setContentLength(res, res.content().readableBytes());
            HttpUtil.setKeepAlive(res, keepAlive);
            var written = ctx.writeAndFlush(res);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("Dashboard connection failed: {}", cause.toString());
            ctx.close();
        }
    }
}
