package dev.toploras.inputs;

import dev.toploras.covers.ImageRejectedException;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A URL input's body, collected up to inputs.max-bytes: a declared length over the cap is refused before a byte is
 * read, and a body that grows past it is cut off there (the subscription is cancelled, which closes the exchange),
 * so an endless reply costs at most the cap.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long maxBytes;
    private final long declared;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;
    private volatile ImageRejectedException refusal;

    CappedBody(long maxBytes, HttpResponse.ResponseInfo info) {
        this.maxBytes = maxBytes;
        this.declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declared > maxBytes) {
            refuse(new ImageRejectedException(declared + " bytes is over inputs.max-bytes (" + maxBytes + ")"));
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : buffers) {
            if (bytes.size() + (long) b.remaining() > maxBytes) {
                refuse(new ImageRejectedException("over inputs.max-bytes (" + maxBytes + ")"));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            bytes.writeBytes(chunk);
        }
    }

    /**
     * Why this body was cut off, or null. The client may fail the whole exchange with its own "cancelled" error
     * once the subscription is cancelled, so the reason is kept here rather than only in the body's future.
     */
    ImageRejectedException refusal() {
        return refusal;
    }

    private void refuse(ImageRejectedException why) {
        refusal = why;
        subscription.cancel();
        result.completeExceptionally(why);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(bytes.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }
}
