namespace Shockwave.Echo;

/// <summary>What an <see cref="EchoPump"/> has echoed so far; kept outside the pump so a failure does not lose it.</summary>
internal sealed class EchoCounters
{
    /// <summary>Whole messages echoed.</summary>
    public long Messages { get; set; }

    /// <summary>Payload bytes echoed.</summary>
    public long Bytes { get; set; }
}
