package dev.botops.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The PostgreSQL driver's SSL socket factory ({@code sslfactory}) for {@code sslmode=verify-ca} and {@code verify-full}
 * without an {@code sslrootcert}: the server's certificate is verified against the JVM's trust store (the JDK's
 * {@code cacerts}, or {@code -Djavax.net.ssl.trustStore}), where hosted plans' certificates chain to public CAs, instead
 * of the driver's {@code ~/.postgresql/root.crt}. With {@code verify-full} the certificate must also name the host
 * connected to (the JDK's HTTPS rules: subject alternative names, DNS or IP); the driver checks it again afterwards.
 *
 * <p>A failure says which certificate (subject and issuer, the names it is for) and what to set, instead of the
 * JDK's "PKIX path building failed". The message is the innermost of the driver's exception, so it is what the app
 * shows.
 */
public final class TrustStoreSslFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final boolean verifyHost;

    /** Called by the driver with the connection's properties ({@code sslmode} among them). */
    public TrustStoreSslFactory(Properties info) throws GeneralSecurityException {
        this.verifyHost = "verify-full".equalsIgnoreCase(info.getProperty("sslmode", ""));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        X509ExtendedTrustManager jvm = null;
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager) {
                jvm = (X509ExtendedTrustManager) manager;
            }
        }
        if (jvm == null) {
            throw new GeneralSecurityException("The JVM has no X.509 trust manager to verify the database server's certificate with.");
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new Naming(jvm, verifyHost)}, null);
        this.delegate = context.getSocketFactory();
    }

    /** The host name check happens in the handshake, by the JDK, against the host the driver connects to. */
    private Socket configure(Socket socket) {
        if (verifyHost && socket instanceof SSLSocket) {
            SSLSocket ssl = (SSLSocket) socket;
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
        }
        return socket;
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return configure(delegate.createSocket(socket, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return configure(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return configure(delegate.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    /** The JVM's trust manager, with failures that name the certificate and say what to set. */
    private static final class Naming extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager jvm;
        private final boolean verifyHost;

        Naming(X509ExtendedTrustManager jvm, boolean verifyHost) {
            this.jvm = jvm;
            this.verifyHost = verifyHost;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            trusted(chain, authType);
            if (verifyHost) {
                try {
                    jvm.checkServerTrusted(chain, authType, socket);
                } catch (CertificateException e) {
                    throw wrongHost(chain, host(socket), e);
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            trusted(chain, authType);
            if (verifyHost) {
                try {
                    jvm.checkServerTrusted(chain, authType, engine);
                } catch (CertificateException e) {
                    throw wrongHost(chain, engine.getPeerHost(), e);
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trusted(chain, authType);
        }

        /** The chain up to a CA of the trust store, without the host name. */
        private void trusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                jvm.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                String store = System.getProperty("javax.net.ssl.trustStore");
                // No cause: the driver shows the innermost message, and this one says what to do.
                throw new CertificateException("The database server's certificate is not trusted: " + describe(chain)
                        + ". Without sslrootcert, BotOps verifies it against the JVM's trust store (" + (store == null || store.isBlank()
                        ? "the JDK's cacerts" : store) + "), and no certificate authority there issued it. Set sslrootcert=/path/ca.pem "
                        + "in DATABASE_URL (the CA certificate of your database provider), or add that CA to the trust store "
                        + "(-Djavax.net.ssl.trustStore=...). The JDK said: " + firstLine(e.getMessage()));
            }
        }

        private static CertificateException wrongHost(X509Certificate[] chain, String host, CertificateException e) {
            return new CertificateException("The database server's certificate is not for the host BotOps connected to (" + host
                    + "): it names " + names(chain[0]) + " (" + describe(chain) + "). Connect with a host name the certificate names, "
                    + "or use sslmode=verify-ca to check only that a trusted authority issued it. The JDK said: " + firstLine(e.getMessage()));
        }

        private static String host(Socket socket) {
            if (socket instanceof SSLSocket && ((SSLSocket) socket).getHandshakeSession() != null) {
                String peer = ((SSLSocket) socket).getHandshakeSession().getPeerHost();
                if (peer != null) {
                    return peer;
                }
            }
            return socket.getInetAddress() == null ? "unknown" : socket.getInetAddress().getHostAddress();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            jvm.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            jvm.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            jvm.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return jvm.getAcceptedIssuers();
        }
    }

    /** "subject CN=db.example.com, issued by CN=Example CA" (and the top of a longer chain). */
    static String describe(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return "the server sent no certificate";
        }
        X509Certificate leaf = chain[0];
        String text = "subject " + leaf.getSubjectX500Principal().getName() + ", issued by " + leaf.getIssuerX500Principal().getName();
        if (chain.length > 1) {
            X509Certificate top = chain[chain.length - 1];
            text += "; the chain of " + chain.length + " ends with " + top.getSubjectX500Principal().getName() + ", issued by "
                    + top.getIssuerX500Principal().getName();
        }
        return text;
    }

    /** The DNS names and IP addresses a certificate is for (its subject alternative names), else its subject. */
    static String names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    int type = (Integer) entry.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall back to the subject
        }
        return names.isEmpty() ? certificate.getSubjectX500Principal().getName() : String.join(", ", names);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no detail)";
        }
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }
}
