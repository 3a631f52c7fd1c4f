using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace VibeDashboard.Hubs;

/// <summary>
/// The hub's lifetime manager, with topic membership and a send that never waits for a slow connection.
/// SignalR's own group send (<see cref="DefaultHubLifetimeManager{THub}"/>) awaits every member's write, and a
/// connection whose buffer is full (<c>TransportMaxBufferSize</c>) holds that await until it drains: one wall screen
/// on a bad network would delay every other screen's next message. Here a message is serialised once per protocol and
/// handed to each member without waiting; a member that already has <see cref="MaxPendingWrites"/> writes in flight
/// is skipped: it loses that message, and the version gap tells it to ask for the full state.
/// Topics are kept here rather than as SignalR groups because groups cannot be enumerated to send this way.
/// </summary>
public sealed class TopicFanout(ILogger<DefaultHubLifetimeManager<MetricsHub>> logger) : DefaultHubLifetimeManager<MetricsHub>(logger)
{
    /// <summary>Writes a connection may have in flight (one flushing, the rest queued behind it) before it loses messages.</summary>
    public const int MaxPendingWrites = 4;

    private readonly ConcurrentDictionary<string, Member> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Member>> _topics = new(StringComparer.Ordinal);
    private long _dropped;

    /// <summary>Messages not written because the connection was too far behind, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _connections[connection.ConnectionId] = new Member(connection);
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (_connections.TryRemove(connection.ConnectionId, out var member))
        {
            foreach (var topic in member.Topics())
            {
                if (_topics.TryGetValue(topic, out var members))
                {
                    members.TryRemove(connection.ConnectionId, out _);
                }
            }
        }

        return base.OnDisconnectedAsync(connection);
    }

    public void Join(string connectionId, IEnumerable<string> topics)
    {
        if (!_connections.TryGetValue(connectionId, out var member))
        {
            return;
        }

        foreach (var topic in topics)
        {
            member.Add(topic);
            _topics.GetOrAdd(topic, _ => new(StringComparer.Ordinal))[connectionId] = member;
        }
    }

    public void Leave(string connectionId, IEnumerable<string> topics)
    {
        if (!_connections.TryGetValue(connectionId, out var member))
        {
            return;
        }

        foreach (var topic in topics)
        {
            member.Remove(topic);
            if (_topics.TryGetValue(topic, out var members))
            {
                members.TryRemove(connectionId, out _);
            }
        }
    }

    public bool HasMembers(string topic) => _topics.TryGetValue(topic, out var members) && !members.IsEmpty;

    /// <summary>Sends <paramref name="method"/>(<paramref name="argument"/>) to the topic's members without waiting for any.</summary>
    public void Send(string topic, string method, object argument)
    {
        if (!_topics.TryGetValue(topic, out var members) || members.IsEmpty)
        {
            return;
        }

        var message = new SerializedHubMessage(new InvocationMessage(method, [argument]));
        foreach (var member in members.Values)
        {
            if (!member.TryWrite(message))
            {
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    private sealed class Member(HubConnectionContext connection)
    {
        private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
        private int _pending;

        public void Add(string topic)
        {
            lock (_topics)
            {
                _topics.Add(topic);
            }
        }

        public void Remove(string topic)
        {
            lock (_topics)
            {
                _topics.Remove(topic);
            }
        }

        public string[] Topics()
        {
            lock (_topics)
            {
                return [.. _topics];
            }
        }

        public bool TryWrite(SerializedHubMessage message)
        {
            if (Interlocked.Increment(ref _pending) > MaxPendingWrites)
            {
                Interlocked.Decrement(ref _pending);
                return false;
            }

            ValueTask write;
            try
            {
                write = connection.WriteAsync(message);
            }
            catch (Exception)
            {
                // A connection being torn down; its OnDisconnectedAsync removes it.
                Interlocked.Decrement(ref _pending);
                return false;
            }

            if (write.IsCompleted)
            {
                Complete(write);
            }
            else
            {
                _ = CompleteLaterAsync(write);
            }

            return true;
        }

        private void Complete(ValueTask write)
        {
            try
            {
                write.GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // HubConnectionContext logs its own write failures and aborts the connection.
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }

        private async Task CompleteLaterAsync(ValueTask write)
        {
            try
            {
                await write;
            }
            catch (Exception)
            {
                // As above: the connection logs and aborts itself.
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }
}
