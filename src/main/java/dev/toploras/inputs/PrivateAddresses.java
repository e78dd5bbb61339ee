package dev.toploras.inputs;

import dev.toploras.covers.ImageRejectedException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * The rule that keeps a URL input off this server's own network: every address the host resolves to must be a
 * public one (not loopback, link-local, site-local/private, unique-local IPv6, multicast, unspecified or 0.0.0.0/8).
 * Checked before each hop; the JDK client resolves the name again when it connects, so a name that changes its
 * answer between the two (DNS rebinding) is a remaining gap, which inputs.allow-private-urls=false narrows but
 * does not close (docs/security.md).
 */
final class PrivateAddresses {
    static final String SETTING = "inputs.allow-private-urls";

    private PrivateAddresses() {
    }

    static void check(URI uri, boolean allowed) {
        if (allowed) {
            return;
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new ImageRejectedException("the URL names no host");
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new ImageRejectedException("its host " + host + " does not resolve");
        }
        for (InetAddress a : all) {
            String kind = kind(a);
            if (kind != null) {
                throw new ImageRejectedException("its host " + host + " resolves to a " + kind + " address ("
                        + a.getHostAddress() + "); URLs of this server's own network are refused unless "
                        + SETTING + "=true");
            }
        }
    }

    /** What makes an address private or local, or null for a public one. */
    static String kind(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isAnyLocalAddress() || a.getAddress().length == 4 && a.getAddress()[0] == 0) {
            return "unspecified";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc) {
            return "unique-local";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        return null;
    }
}
