package dev.toploras.api;

import dev.toploras.covers.ImageCheck;
import dev.toploras.covers.ImageRejectedException;
import dev.toploras.errors.ErrorCode;
import dev.toploras.inputs.InputStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * POST /api/v1/uploads: an input image's bytes, checked as covers are and stored once by hash; the answer's upload_id
 * goes into a job as {@code "images": ["upload:<upload_id>"]}. Nothing is stored for a body that fails a check.
 */
public final class UploadsApi {
    private final InputStore store;

    public UploadsApi(InputStore store) {
        this.store = store;
    }

    public ApiReply upload(@Body byte[] body, @Header("Content-Type") String contentType) {
        if (ImageCheck.kindOf(contentType).filter(InputStore.KINDS::contains).isEmpty()) {
            throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the image's bytes as the body with "
                    + "'Content-Type: image/png', 'image/jpeg' or 'image/webp' (got '" + contentType + "')",
                    Map.of("field", "Content-Type"));
        }
        InputStore.Stored s;
        try {
            s = store.put(store.check(body == null ? new byte[0] : body, contentType));
        } catch (ImageRejectedException e) {
            throw ApiException.invalid("body", "the upload is refused: " + e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("upload_id", s.sha256());
        out.put("sha256", s.sha256());
        out.put("mime", s.mime());
        out.put("width", s.width());
        out.put("height", s.height());
        out.put("bytes", s.bytes());
        out.put("ref", "upload:" + s.sha256());
        return new ApiReply(201, out, Map.of());
    }
}
