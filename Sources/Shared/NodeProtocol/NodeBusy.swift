/// How an agent says it is full (its own count of requests in flight is the arbiter of its
/// capacity, whoever sends): a 503 carrying this header, which a router reads without reading
/// the body. Routers ask such a node again a little later; any other 429/503 moves a request on.
public enum NodeBusy {
    /// The header's name (its value is `1`).
    public static let header = "X-Switchyard-Node-Busy"
}
