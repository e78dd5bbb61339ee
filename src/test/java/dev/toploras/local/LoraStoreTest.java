package dev.toploras.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toploras.local.loras.LoraFile;
import dev.toploras.local.loras.LoraFilePicker;
import dev.toploras.local.loras.LoraStore;
import dev.toploras.local.loras.ModelFile;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LoRA file store (hash names, resume, caps, checksum) and picking the weight file from a listing. */
class LoraStoreTest {
    static final LocalStubs.Weight W = LocalStubs.weight("painter/ink-wash", "ink-wash.safetensors", 10_000, 7);
    static final ModelFile LISTED = new ModelFile(W.file(), W.file(), W.bytes().length, W.sha256());

    @TempDir
    Path dir;

    @Test
    void should_keep_the_file_under_its_hash_and_find_it_again_when_the_sha256_matches() throws Exception {
        LoraStore store = new LoraStore(dir, 1_000_000);
        List<Long> progress = new ArrayList<>();

        LoraFile f = store.receive(W.modelId(), LISTED, 200, 0, new ByteArrayInputStream(W.bytes()),
                (done, total) -> progress.add(done));

        assertThat(f.fileName()).isEqualTo(W.storedName());
        assertThat(f.downloaded()).isTrue();
        assertThat(Files.readAllBytes(dir.resolve(W.storedName()))).isEqualTo(W.bytes());
        assertThat(progress).isNotEmpty().last().isEqualTo((long) W.bytes().length);
        assertThat(store.find(W.modelId(), LISTED)).get().extracting(LoraFile::downloaded).isEqualTo(false);
        assertThat(dir.resolve(W.storedName() + ".part")).doesNotExist();
    }

    @Test
    void should_resume_from_the_partial_file_when_the_server_answers_206() throws Exception {
        LoraStore store = new LoraStore(dir, 1_000_000);
        Files.write(dir.resolve(W.storedName() + ".part"), Arrays.copyOf(W.bytes(), 4000));

        long offset = store.prepare(W.modelId(), LISTED);
        LoraFile f = store.receive(W.modelId(), LISTED, 206, offset,
                new ByteArrayInputStream(Arrays.copyOfRange(W.bytes(), 4000, W.bytes().length)), (d, t) -> { });

        assertThat(offset).isEqualTo(4000);
        assertThat(f.sha256()).isEqualTo(W.sha256());
        assertThat(Files.readAllBytes(f.path())).isEqualTo(W.bytes());
    }

    @Test
    void should_start_over_when_the_server_ignores_the_range_and_sends_the_whole_file() throws Exception {
        LoraStore store = new LoraStore(dir, 1_000_000);
        Files.write(dir.resolve(W.storedName() + ".part"), new byte[4000]);

        LoraFile f = store.receive(W.modelId(), LISTED, 200, store.prepare(W.modelId(), LISTED),
                new ByteArrayInputStream(W.bytes()), (d, t) -> { });

        assertThat(Files.readAllBytes(f.path())).isEqualTo(W.bytes());
    }

    @Test
    void should_discard_the_bytes_when_they_do_not_match_the_listed_sha256() {
        LoraStore store = new LoraStore(dir, 1_000_000);
        ModelFile wrong = new ModelFile(W.file(), W.file(), W.bytes().length, "f".repeat(64));

        assertThatThrownBy(() -> store.receive(W.modelId(), wrong, 200, 0, new ByteArrayInputStream(W.bytes()),
                (d, t) -> { })).isInstanceOf(LocalFailures.LoraChecksumMismatch.class)
                .hasMessageContaining(W.sha256());
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void should_refuse_a_file_over_the_cap_or_longer_than_listed() {
        LoraStore store = new LoraStore(dir, 5000);
        ModelFile understated = new ModelFile(W.file(), W.file(), 4000, W.sha256());

        assertThatThrownBy(() -> store.prepare(W.modelId(), LISTED)).isInstanceOf(LocalFailures.LoraTooLarge.class)
                .hasMessageContaining("local.max-lora-bytes");
        assertThatThrownBy(() -> store.receive(W.modelId(), new ModelFile(W.file(), W.file(), -1, W.sha256()), 200, 0,
                new ByteArrayInputStream(W.bytes()), (d, t) -> { })).isInstanceOf(LocalFailures.LoraTooLarge.class);
        assertThatThrownBy(() -> new LoraStore(dir, 1_000_000).receive(W.modelId(), understated, 200, 0,
                new ByteArrayInputStream(W.bytes()), (d, t) -> { })).isInstanceOf(LocalFailures.LoraChecksumMismatch.class);
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void should_refuse_to_start_a_download_the_disk_cannot_hold() {
        LoraStore store = new LoraStore(dir, Long.MAX_VALUE);
        ModelFile huge = new ModelFile("huge.safetensors", "huge.safetensors", 1L << 60, W.sha256());

        assertThatThrownBy(() -> store.prepare(W.modelId(), huge)).isInstanceOf(LocalFailures.DiskFull.class)
                .hasMessageContaining("local.loras-dir").hasMessageContaining(dir.toString());
    }

    @Test
    void should_pick_the_only_weight_then_the_one_named_after_the_repo_then_the_largest_with_a_note() {
        ModelFile readme = new ModelFile("README.md", "README.md", 10, "");
        ModelFile a = new ModelFile("ink-wash.safetensors", "ink-wash.safetensors", 100, "a".repeat(64));
        ModelFile b = new ModelFile("ink-wash-epoch5.safetensors", "ink-wash-epoch5.safetensors", 300, "b".repeat(64));
        ModelFile c = new ModelFile("other.safetensors", "other.safetensors", 200, "c".repeat(64));

        assertThat(LoraFilePicker.pick("p/ink-wash", List.of(readme, a)).file()).isEqualTo(a);
        assertThat(LoraFilePicker.pick("p/ink-wash", List.of(a, b, c)).file()).isEqualTo(a);
        LoraFilePicker.Pick guess = LoraFilePicker.pick("p/ink-wash", List.of(b, c));
        assertThat(guess.file()).isEqualTo(b);
        assertThat(guess.note().code()).isEqualTo("LORA_FILE_GUESSED");
        assertThatThrownBy(() -> LoraFilePicker.pick("p/ink-wash", List.of(readme)))
                .isInstanceOf(LocalFailures.LoraFileMissing.class).hasMessageContaining("no .safetensors");
    }

    @Test
    void should_refuse_a_listed_sha256_that_is_not_64_hex_before_it_names_anything() throws Exception {
        LoraStore store = new LoraStore(dir, 1_000_000);
        Files.createDirectories(dir.resolve("ink-wash-"));
        for (String bad : new String[] {"/../../../..aaa" + "a".repeat(49), "a".repeat(63), "g".repeat(64),
                "a".repeat(64) + "/", "${env:HOME}"}) {
            ModelFile listed = new ModelFile(W.file(), W.file(), W.bytes().length, bad);

            assertThatThrownBy(() -> LoraFilePicker.pick(W.modelId(), List.of(listed)))
                    .isInstanceOf(LocalFailures.LoraHashInvalid.class).hasMessageContaining("not 64 hex")
                    .extracting(e -> ((LocalFailures.LoraHashInvalid) e).problem().code()).isEqualTo("upstream_rejected");
            assertThatThrownBy(() -> store.fileName(W.modelId(), listed))
                    .isInstanceOf(LocalFailures.LoraHashInvalid.class);
            assertThatThrownBy(() -> store.prepare(W.modelId(), listed))
                    .isInstanceOf(LocalFailures.LoraHashInvalid.class);
        }
        assertThat(dir.resolve("ink-wash-")).isEmptyDirectory();
        assertThat(dir.toFile().list()).containsExactly("ink-wash-");
    }

    @Test
    void should_hash_a_stored_file_again_when_it_changed_and_remove_it_with_a_note_when_its_bytes_differ()
            throws Exception {
        LoraStore store = new LoraStore(dir, 1_000_000);
        LoraFile first = store.receive(W.modelId(), LISTED, 200, 0, new ByteArrayInputStream(W.bytes()), (d, t) -> { });
        assertThat(store.find(W.modelId(), LISTED)).isPresent();
        byte[] other = W.bytes().clone();
        other[other.length / 2] ^= 0x5a; // same size, other bytes: what a size check alone lets through

        Files.write(first.path(), other);

        assertThat(store.find(W.modelId(), LISTED)).isEmpty();
        assertThat(first.path()).doesNotExist();
        LoraFile again = store.receive(W.modelId(), LISTED, 200, store.prepare(W.modelId(), LISTED),
                new ByteArrayInputStream(W.bytes()), (d, t) -> { });
        assertThat(again.note().code()).isEqualTo("LORA_FILE_REPLACED");
        assertThat(again.note().message()).contains(W.sha256()).contains("downloaded again");
        assertThat(Files.readAllBytes(again.path())).isEqualTo(W.bytes());
        assertThat(store.find(W.modelId(), LISTED)).get().extracting(LoraFile::note).isNull();
    }

    @Test
    void should_reuse_a_file_placed_by_hand_once_its_bytes_hash_to_the_listed_sha256() throws Exception {
        LoraStore store = new LoraStore(dir, 1_000_000);
        Files.write(dir.resolve(W.storedName()), W.bytes());

        assertThat(store.find(W.modelId(), LISTED)).get().extracting(LoraFile::sha256).isEqualTo(W.sha256());
        assertThat(dir.resolve(".verified").resolve(W.storedName() + ".stamp")).isRegularFile();
    }
}
