package dev.toploras.inputs;

import dev.toploras.covers.ImageRejectedException;
import dev.toploras.jobs.InputImage;
import dev.toploras.jobs.InvalidJobRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns a request's image refs into stored inputs. Every ref is fetched and checked first, and only when all passed
 * is any stored: a job refused for its second image leaves nothing of its first. An inbox file is read only when it
 * is a regular file the inbox itself holds (never through a link); a URL is fetched without following a redirect to
 * another host (the host a user named is the only one asked), never at a private or local address unless
 * inputs.allow-private-urls says so, within one deadline and byte cap, and never with a token.
 */
public final class InputResolver {
    static final int MAX_REDIRECTS = 5;
    private final InputStore store;
    private final InputSettings settings;
    private final HttpClient http;

    public InputResolver(InputStore store, InputSettings settings) {
        this.store = store;
        this.settings = settings;
        // Redirects are followed by hand, hop by hop, so each hop's host and addresses are checked before it is asked.
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.urlTimeout()).build();
    }

    /**
     * The refs as stored inputs. {@code inbox} is the folder an inbox job lies in; null for a job that came over HTTP,
     * which cannot name a file.
     */
    public List<InputImage> resolve(List<String> refs, Path inbox) {
        List<InputStore.Candidate> checked = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            String ref = refs.get(i);
            String field = "images[" + i + "]";
            try {
                if (isUrl(ref)) {
                    checked.add(fetch(ref));
                    sources.add(ref);
                } else if (ref.startsWith("upload:")) {
                    checked.add(upload(ref.substring("upload:".length())));
                    sources.add(ref);
                } else {
                    checked.add(inboxFile(ref, inbox));
                    sources.add("inbox:" + ref);
                }
            } catch (ImageRejectedException e) {
                throw new InvalidJobRequestException(field, "input image '" + shown(ref) + "' refused: "
                        + e.getMessage());
            }
        }
        List<InputImage> out = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            InputStore.Stored s = store.put(checked.get(i));
            out.add(new InputImage(i, s.sha256(), s.mime(), s.width(), s.height(), sources.get(i)));
        }
        return out;
    }

    /** The inbox files a job's refs name, for the inbox to take with the job. */
    public static List<String> inboxNames(List<String> refs) {
        return refs.stream().filter(r -> !isUrl(r) && !r.startsWith("upload:")).toList();
    }

    static boolean isUrl(String ref) {
        String l = ref.toLowerCase(Locale.ROOT);
        return l.startsWith("http://") || l.startsWith("https://");
    }

    private InputStore.Candidate upload(String id) {
        Optional<Path> file = store.file(id);
        if (file.isEmpty()) {
            throw new ImageRejectedException("no upload " + id + " is stored; POST the image to /api/v1/uploads "
                    + "first and use the upload_id it answers");
        }
        return store.check(read(file.get()), null);
    }

    private InputStore.Candidate inboxFile(String name, Path inbox) {
        if (inbox == null) {
            throw new ImageRejectedException("a file name is only taken from a job in inbox/; over HTTP, upload the "
                    + "image with POST /api/v1/uploads and send upload:<upload_id>, or give an http(s) URL");
        }
        if (name.contains("/") || name.contains("\\") || name.contains("..") || name.startsWith(".")) {
            throw new ImageRejectedException("not a plain file name; put the image beside the job and give its name");
        }
        Path file = inbox.resolve(name);
        if (!file.normalize().getParent().equals(inbox.normalize())) {
            throw new ImageRejectedException("not a file in inbox/");
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new ImageRejectedException("no file of that name lies beside the job in inbox/; drop the image "
                    + "there before (or with) the job");
        }
        if (a.isSymbolicLink()) {
            throw new ImageRejectedException("a symbolic link is never followed; copy the image into inbox/");
        }
        if (!a.isRegularFile()) {
            throw new ImageRejectedException("not a regular file");
        }
        if (a.size() > settings.maxBytes()) {
            throw new ImageRejectedException(a.size() + " bytes is over inputs.max-bytes (" + settings.maxBytes()
                    + ")");
        }
        return store.check(read(file), null);
    }

    private byte[] read(Path file) {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return capped(in);
        } catch (IOException e) {
            throw new ImageRejectedException("could not be read: " + e.getMessage());
        }
    }

    /**
     * One deadline (inputs.url-timeout) bounds the whole fetch: every hop and the body, so a server that stalls or
     * trickles costs at most that. The body is collected by {@link CappedBody}, which stops at inputs.max-bytes.
     */
    private InputStore.Candidate fetch(String url) {
        URI uri = URI.create(url);
        String host = host(uri);
        long deadline = System.nanoTime() + settings.urlTimeout().toNanos();
        for (int hop = 0; ; hop++) {
            PrivateAddresses.check(uri, settings.allowPrivateUrls());
            HttpResponse<byte[]> reply = send(uri, host, deadline);
            int status = reply.statusCode();
            if (status >= 300 && status < 400) {
                String location = reply.headers().firstValue("Location").orElseThrow(() ->
                        new ImageRejectedException("redirect " + status + " without a Location"));
                URI next = uri.resolve(location);
                if (!host(next).equals(host) || !"http".equalsIgnoreCase(next.getScheme())
                        && !"https".equalsIgnoreCase(next.getScheme())) {
                    throw new ImageRejectedException("the URL redirects to another host (" + host + " -> "
                            + host(next) + "); give the image's own URL");
                }
                if (hop >= MAX_REDIRECTS) {
                    throw new ImageRejectedException("more than " + MAX_REDIRECTS + " redirects");
                }
                uri = next;
                continue;
            }
            if (status / 100 != 2) {
                throw new ImageRejectedException("HTTP " + status + " from " + host);
            }
            return store.check(reply.body(), reply.headers().firstValue("Content-Type").orElse(null));
        }
    }

    private HttpResponse<byte[]> send(URI uri, String host, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw overTime(host);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(left)).GET().build();
        AtomicReference<CappedBody> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request, info -> {
            if (info.statusCode() / 100 != 2) {
                return HttpResponse.BodySubscribers.replacing(new byte[0]);
            }
            body.set(new CappedBody(settings.maxBytes(), info));
            return body.get();
        });
        try {
            return pending.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true); // the JDK client drops the exchange, so the connection stops reading
            throw overTime(host);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new ImageRejectedException("fetching it was interrupted");
        } catch (ExecutionException e) {
            if (body.get() != null && body.get().refusal() != null) {
                throw body.get().refusal();
            }
            Throwable cause = e.getCause();
            while (cause != null && !(cause instanceof ImageRejectedException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof ImageRejectedException rejected) {
                throw rejected;
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw overTime(host);
            }
            throw new ImageRejectedException("could not be fetched from " + host + ": " + cause);
        }
    }

    private ImageRejectedException overTime(String host) {
        return new ImageRejectedException("it did not arrive from " + host + " within inputs.url-timeout="
                + settings.urlTimeout().toSeconds() + "s; give a faster URL, upload the image, or raise the setting");
    }

    /** At most one byte over the cap is read, so an endless body costs nothing and the check names the cap. */
    private byte[] capped(InputStream in) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBytes() + 1));
        if (b.length > settings.maxBytes()) {
            throw new ImageRejectedException("over inputs.max-bytes (" + settings.maxBytes() + ")");
        }
        return b;
    }

    private static String host(URI u) {
        return u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT) + (u.getPort() < 0 ? ""
                : ":" + u.getPort());
    }

    private static String shown(String ref) {
        return ref.length() <= 120 ? ref : ref.substring(0, 120) + "...";
    }
}
