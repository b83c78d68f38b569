"""Pure view code: component ids, translations, page trees and figures. No I/O."""
