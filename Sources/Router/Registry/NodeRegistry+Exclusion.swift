import Foundation
import Logging

extension NodeRegistry {
    /// Stops routing `model` to the node after a failure that is the node's fault.
    func exclude(nodeID: String, model: String, reason: String) {
        guard var node = nodes[nodeID], !node.excluded.contains(model) else { return }
        node.excluded.insert(model)
        node.exclusionNotes[model] = ExclusionNote(reason: reason, at: Int(Date().timeIntervalSince1970))
        logger.warning("model excluded on node", metadata: ["node.id": "\(nodeID)", "model": "\(model)", "reason": "\(reason)"])
        replace(node)
    }

    /// Lifts the node's exclusion of `model`, or all of them; false for an unknown node.
    @discardableResult
    func clearExclusions(nodeID: String, model: String? = nil) -> Bool {
        guard var node = nodes[nodeID] else { return false }
        if let model {
            node.excluded.remove(model)
            node.exclusionNotes[model] = nil
        } else {
            node.excluded.removeAll()
            node.exclusionNotes.removeAll()
        }
        replace(node)
        return true
    }
}
