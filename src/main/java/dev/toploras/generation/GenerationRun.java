package dev.toploras.generation;

import dev.toploras.jobs.JobDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One job on its way through routes/generation.camel.yaml (an exchange variable). It holds the latest stored
 * document and the worker's decisions; it never holds the token.
 */
public final class GenerationRun {
    private JobDocument doc;
    private boolean remote;
    private boolean needsLocal;
    private boolean polling;
    private String remoteTaskId;
    private Instant pollDeadline;
    private List<String> outputUrls = List.of();
    private int submitCalls;
    private String backendUsed;
    private long pollStartNanos;
    private List<JobDocument.ResultImage> results = List.of();
    private final long startNanos = System.nanoTime();
    private final List<JobDocument.Step> steps = new ArrayList<>();

    GenerationRun(JobDocument doc) {
        this.doc = doc;
        this.remoteTaskId = doc.meta().remoteTaskId();
    }

    public JobDocument doc() {
        return doc;
    }

    void doc(JobDocument d) {
        this.doc = d;
    }

    public String jobId() {
        return doc.jobId();
    }

    public boolean isRemote() {
        return remote;
    }

    void useRemote() {
        remote = true;
        needsLocal = false;
    }

    public boolean isNeedsLocal() {
        return needsLocal;
    }

    void useLocal() {
        needsLocal = true;
    }

    /** True until the remote task reached SUCCEED or FAILED; the route's poll loop runs on it. */
    public boolean isPolling() {
        return polling;
    }

    void setPolling(boolean p) {
        polling = p;
    }

    public boolean isSubmitted() {
        return remoteTaskId != null;
    }

    String remoteTaskId() {
        return remoteTaskId;
    }

    void remoteTaskId(String id) {
        remoteTaskId = id;
    }

    Instant pollDeadline() {
        return pollDeadline;
    }

    void pollDeadline(Instant d) {
        pollDeadline = d;
    }

    List<String> outputUrls() {
        return outputUrls;
    }

    void outputUrls(List<String> urls) {
        outputUrls = List.copyOf(urls);
    }

    int countSubmit() {
        return ++submitCalls;
    }

    int submitCalls() {
        return submitCalls;
    }

    void addStep(JobDocument.Step s) {
        steps.add(s);
    }

    private long localStartNanos;

    long localStartNanos() {
        return localStartNanos;
    }

    void localStartNanos(long n) {
        localStartNanos = n;
    }

    void step(String name, long fromNanos) {
        steps.add(new JobDocument.Step(name, (System.nanoTime() - fromNanos) / 1_000_000));
    }

    JobDocument.Timing timing() {
        return new JobDocument.Timing((System.nanoTime() - startNanos) / 1_000_000, steps);
    }

    String backendUsed() {
        return backendUsed;
    }

    void backendUsed(String b) {
        backendUsed = b;
    }

    long pollStartNanos() {
        return pollStartNanos;
    }

    void pollStartNanos(long n) {
        pollStartNanos = n;
    }

    List<JobDocument.ResultImage> results() {
        return results;
    }

    void results(List<JobDocument.ResultImage> r) {
        results = List.copyOf(r);
    }

    @Override
    public String toString() {
        return "GenerationRun[" + doc.jobId() + " " + doc.status() + "]";
    }
}
