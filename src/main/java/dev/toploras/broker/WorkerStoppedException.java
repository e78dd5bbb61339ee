package dev.toploras.broker;

/**
 * A worker stopped before its job ended. Thrown inside the job's broker transaction so it rolls back: the broker
 * then gives the job to another worker, which resumes it.
 */
public final class WorkerStoppedException extends BrokerException {
    public WorkerStoppedException(String jobId) {
        super("worker stopped while job " + jobId + " was running; the broker hands it to another worker");
    }
}
