package dev.toploras.generation;

/**
 * One image a local backend rendered, before it is stored. Stand-in for the record the flows rework defines at the
 * local-processor seam (docs/seams.md), with the same shape.
 */
public record RenderedImage(byte[] bytes, String mime, int width, int height) {
}
