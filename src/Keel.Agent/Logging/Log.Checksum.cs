using Microsoft.Extensions.Logging;

namespace Keel.Agent.Logging;

/// <summary>Log lines of `keel checksum` (event ids 9xx), in their own file so that other features' lines merge cleanly.</summary>
internal static partial class Log
{
    [LoggerMessage(900, LogLevel.Information, "{Member}: checksum run {Run} started on {Tables} tables, chunks of {ChunkRows} rows")]
    public static partial void ChecksumStarted(this ILogger logger, string member, string run, int tables, int chunkRows);

    [LoggerMessage(901, LogLevel.Information, "{Member}: checksum run {Run} done: {Chunks} chunks of {Tables} tables; the primary was at {Position} after the last one")]
    public static partial void ChecksumDone(this ILogger logger, string member, string run, int chunks, int tables, string position);

    [LoggerMessage(902, LogLevel.Warning, "{Member}: checksum run {Run} failed: {Error}")]
    public static partial void ChecksumFailed(this ILogger logger, string member, string run, string error);

    [LoggerMessage(903, LogLevel.Information, "{Member}: checksum run {Run}: {Note}")]
    public static partial void ChecksumNote(this ILogger logger, string member, string run, string note);

    [LoggerMessage(904, LogLevel.Information, "{Member}: checksum run {Run} read here at {Position}: {Differing} of {Chunks} chunks differ from the primary")]
    public static partial void ChecksumRead(this ILogger logger, string member, string run, string position, int differing, int chunks);

    [LoggerMessage(905, LogLevel.Information, "{Member}: checksum run {Run}: {Table} chunk {Chunk} waited on application locks; retrying (attempt {Attempt})")]
    public static partial void ChecksumChunkRetried(this ILogger logger, string member, string run, string table, int chunk, int attempt);
}
