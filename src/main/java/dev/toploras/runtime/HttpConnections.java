package dev.toploras.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.LayeredConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactory;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The connection pool behind camel-http (`camel.component.http(s).client-connection-manager=#httpConnections`).
 * It exists for one reason: camel-http's own pool sets up TLS when the first http endpoint is created, which loads
 * the JDK's trust store (~0.25 s of every one-shot `fetch`, even one that only talks plain HTTP to a mirror). Here
 * TLS is set up on the first https connection. Pool sizes come from the same keys camel-http documents
 * (max-total-connections, connections-per-route) and the connect and socket timeouts from http.timeout, as
 * camel-http would set them on its own pool.
 */
final class HttpConnections {
    private HttpConnections() {
    }

    static PoolingHttpClientConnectionManager pool(Duration timeout, int maxTotal, int perRoute) {
        Timeout t = Timeout.ofMilliseconds(timeout.toMillis());
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager(
                RegistryBuilder.<ConnectionSocketFactory>create()
                        .register("http", PlainConnectionSocketFactory.getSocketFactory())
                        .register("https", new LazyTls())
                        .build());
        pool.setMaxTotal(maxTotal);
        pool.setDefaultMaxPerRoute(perRoute);
        pool.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(t).build());
        pool.setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build());
        return pool;
    }

    /** The system's default TLS socket factory, made on first use. */
    private static final class LazyTls implements LayeredConnectionSocketFactory {
        private volatile LayeredConnectionSocketFactory tls;

        private LayeredConnectionSocketFactory tls() {
            LayeredConnectionSocketFactory f = tls;
            if (f == null) {
                synchronized (this) {
                    if (tls == null) {
                        tls = SSLConnectionSocketFactory.getSystemSocketFactory();
                    }
                    f = tls;
                }
            }
            return f;
        }

        @Override
        public Socket createSocket(HttpContext context) throws IOException {
            return tls().createSocket(context);
        }

        @Override
        public Socket connectSocket(TimeValue connectTimeout, Socket socket, HttpHost host,
                                    InetSocketAddress remoteAddress, InetSocketAddress localAddress,
                                    HttpContext context) throws IOException {
            return tls().connectSocket(connectTimeout, socket, host, remoteAddress, localAddress, context);
        }

        @Override
        public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context)
                throws IOException {
            return tls().createLayeredSocket(socket, target, port, context);
        }
    }
}
