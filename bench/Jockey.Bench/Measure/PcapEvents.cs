using System.Buffers.Binary;
using System.Text;

namespace Jockey.Bench.Measure;

/// <summary>A TCP segment that carried an event's text: when it was captured, between which ports, and the event.</summary>
public readonly record struct PcapEvent(double CapturedMicros, int SourcePort, int DestinationPort, int Index, long SentTicks);

/// <summary>
/// Reads a pcap file tcpdump wrote on loopback and finds a run's event texts (<c>bench {tag} {index} {sent}</c>) in the
/// TCP payloads of IPv4 segments. A segment that carries an event twice (the append script's entry and its publish)
/// counts once per occurrence; callers take the first per event.
/// </summary>
public static class PcapEvents
{
    public static List<PcapEvent> Read(string path, string tag)
    {
        var needle = Encoding.ASCII.GetBytes($"{DeliveryLog.TextPrefix}{tag} ");
        var found = new List<PcapEvent>();
        using var file = new BufferedStream(File.OpenRead(path), 1 << 20);
        Span<byte> header = stackalloc byte[24];
        file.ReadExactly(header);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var nanoseconds = magic switch
        {
            0xa1b2c3d4 => false,
            0xa1b23c4d => true,
            _ => throw new InvalidDataException($"{path} is not a little-endian pcap file (magic {magic:x8})."),
        };
        var linkHeader = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]) switch
        {
            1 => 14, // Ethernet, as Linux's loopback is captured
            113 => 16, // Linux cooked capture (tcpdump -i any)
            var link => throw new InvalidDataException($"{path}: link type {link} is not read here (capture on lo)."),
        };
        Span<byte> record = stackalloc byte[16];
        var packet = new byte[65536];
        while (file.ReadAtLeast(record, record.Length, throwOnEndOfStream: false) == record.Length)
        {
            var seconds = BinaryPrimitives.ReadUInt32LittleEndian(record);
            var fraction = BinaryPrimitives.ReadUInt32LittleEndian(record[4..]);
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(record[8..]);
            file.ReadExactly(packet, 0, length);
            var micros = seconds * 1e6 + (nanoseconds ? fraction / 1e3 : fraction);
            Scan(packet.AsSpan(0, length), linkHeader, needle, micros, found);
        }
        return found;
    }

    private static void Scan(ReadOnlySpan<byte> frame, int linkHeader, byte[] needle, double micros, List<PcapEvent> found)
    {
        if (frame.Length < linkHeader + 20) return;
        var ip = frame[linkHeader..];
        if (ip[0] >> 4 != 4 || ip[9] != 6) return; // IPv4 and TCP only: every server here binds 127.0.0.1
        var tcp = ip[((ip[0] & 0x0f) * 4)..];
        if (tcp.Length < 20) return;
        var source = BinaryPrimitives.ReadUInt16BigEndian(tcp);
        var destination = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);
        var payload = tcp[((tcp[12] >> 4) * 4)..];
        while (payload.IndexOf(needle) is >= 0 and var at)
        {
            payload = payload[(at + needle.Length)..];
            if (Number(ref payload) is { } index && !payload.IsEmpty && payload[0] == (byte)' ')
            {
                payload = payload[1..];
                if (Number(ref payload) is { } sent) found.Add(new PcapEvent(micros, source, destination, (int)index, sent));
            }
        }
    }

    /// <summary>Reads the decimal digits at the start of <paramref name="text"/> and moves past them.</summary>
    private static long? Number(ref ReadOnlySpan<byte> text)
    {
        var digits = 0;
        long value = 0;
        while (digits < text.Length && digits < 19 && text[digits] is >= (byte)'0' and <= (byte)'9') value = value * 10 + text[digits++] - '0';
        if (digits == 0) return null;
        text = text[digits..];
        return value;
    }
}
