package dev.toploras.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Listing replies for stubs: the real captured page, and small synthetic ones shaped like it. */
public final class Listings {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Listings() {
    }

    /** The real page captured from ModelScope (shared/fixtures/modelscope), cover hosts pointed at {@code coverBase}. */
    public static String realPage(String coverBase) {
        try (InputStream in = Listings.class.getResourceAsStream("/demo/dolphin-models-lora-page1.json")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.replace("https://resouces.modelscope.cn", coverBase)
                    .replace("https://resources.modelscope.cn", coverBase)
                    .replace("https://www.modelscope.cn/models/", coverBase + "/models/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode lora(String path, String name, Object downloads, String coverUrl) {
        ObjectNode r = JSON.createObjectNode();
        r.put("Path", path);
        r.put("Name", name);
        r.put("ChineseName", name + " 中文");
        r.put("AigcType", "LoRA");
        r.put("AigcAttributes", "{\"OfficialTags\": [\"secret-blob\"]}");
        r.put("ReadMeContent", "# README blob that must never reach the cache");
        if (downloads instanceof String s) {
            r.put("Downloads", s);
        } else {
            r.put("Downloads", ((Number) downloads).longValue());
        }
        r.put("Stars", 3);
        r.put("LastUpdatedTime", 1760696097L);
        r.putArray("BaseModel").add("Qwen/Qwen-Image");
        r.put("VisionFoundation", "QWEN_IMAGE_20_B");
        r.put("License", "Apache License 2.0");
        r.putArray("Tags").add("LoRA");
        ObjectNode muse = r.putObject("MuseInfo");
        muse.putObject("model").put("modelType", "LoRA");
        if (coverUrl != null) {
            muse.putArray("versions").addObject().putArray("coverImages").addObject().put("url", coverUrl);
        }
        return r;
    }

    public static ObjectNode checkpoint(String path, String name, long downloads) {
        ObjectNode r = lora(path, name, downloads, null);
        r.put("AigcType", "Checkpoint");
        ((ObjectNode) r.get("MuseInfo").get("model")).put("modelType", "Checkpoint");
        return r;
    }

    public static String page(long totalCount, List<ObjectNode> records) {
        ObjectNode root = JSON.createObjectNode();
        root.put("Code", 200);
        ObjectNode model = root.putObject("Data").putObject("Model");
        ArrayNode models = model.putArray("Models");
        records.forEach(models::add);
        model.put("TotalCount", totalCount);
        root.put("Message", "success");
        root.put("Success", true);
        return root.toString();
    }

    public static String failure() {
        return "{\"Code\":500,\"Data\":null,\"Message\":\"system error\",\"RequestId\":\"r-1\",\"Success\":false}";
    }
}
