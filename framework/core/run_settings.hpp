#pragma once
// The settings of one run: (name, value) text pairs sorted by name, stored compactly.
//
// A sweep's runs share most of their settings (the data path, the model, the epochs). So each distinct
// pair is stored once, in a SettingPool that all runs of a sweep share, and a run keeps one 32-bit
// index per setting. 1,000 runs of 25 settings then take about 100 KB for their indices, where one std::map
// per run took about 2.3 MB (25,000 nodes of two strings each). Copies share the indices, so the plan
// and the result store hold one set of indices per run.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nclab {

using Setting = std::pair<std::string, std::string>;

// Distinct (name, value) pairs, each stored once. add() is not thread-safe: add every pair before
// other threads read the pool through RunSettings.
class SettingPool {
 public:
  // Returns the index of the pair, adding it when it is new.
  std::uint32_t add(std::string_view name, std::string_view value);
  const Setting& at(std::uint32_t index) const { return pairs_[index]; }
  std::size_t size() const { return pairs_.size(); }

 private:
  std::deque<Setting> pairs_;  // a deque, because index_of_ views its strings and push_back keeps them in place
  std::map<std::pair<std::string_view, std::string_view>, std::uint32_t> index_of_;
};

// The settings of one run, read like a const std::map<std::string, std::string>: iteration in name
// order yields `const Setting&`, and find(), count(), contains() and at() look a name up in O(log S).
class RunSettings {
 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Setting;
    using difference_type = std::ptrdiff_t;
    using pointer = const Setting*;
    using reference = const Setting&;

    const_iterator() = default;
    reference operator*() const { return pool_->at(*position_); }
    pointer operator->() const { return &pool_->at(*position_); }
    const_iterator& operator++() {
      ++position_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++position_;
      return before;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.position_ == b.position_; }

   private:
    friend class RunSettings;
    const_iterator(const SettingPool* pool, const std::uint32_t* position) : pool_(pool), position_(position) {}

    const SettingPool* pool_ = nullptr;
    const std::uint32_t* position_ = nullptr;
  };
  using iterator = const_iterator;
  using value_type = Setting;
  using size_type = std::size_t;

  RunSettings() = default;
  // Adds `settings` to `pool` and refers to them there. The names must be distinct (RuntimeFailure
  // otherwise); the order does not matter.
  RunSettings(std::shared_ptr<SettingPool> pool, const std::vector<Setting>& settings);
  RunSettings(std::shared_ptr<SettingPool> pool, const std::map<std::string, std::string>& settings);
  // Copies `settings` into a pool of their own. For single runs and tests: runs of one sweep should
  // share a pool.
  RunSettings(std::initializer_list<Setting> settings);
  explicit RunSettings(const std::map<std::string, std::string>& settings);

  const_iterator begin() const { return {pool_.get(), indices_.get()}; }
  const_iterator end() const { return {pool_.get(), indices_.get() + size_}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The setting called `name`, or end() when the run has none.
  const_iterator find(std::string_view name) const;
  std::size_t count(std::string_view name) const { return find(name) == end() ? 0 : 1; }
  bool contains(std::string_view name) const { return find(name) != end(); }
  // The value of `name`; throws std::out_of_range when the run has no such setting, as std::map::at.
  const std::string& at(std::string_view name) const;

  std::map<std::string, std::string> to_map() const { return {begin(), end()}; }

  // Equal when both have the same pairs, whatever their pools.
  friend bool operator==(const RunSettings& a, const RunSettings& b);

 private:
  // Takes `indices` into `pool`, sorts them by name and raises RuntimeFailure on a repeated name.
  void assign(std::shared_ptr<SettingPool> pool, const std::vector<std::uint32_t>& indices);

  std::shared_ptr<const SettingPool> pool_;
  std::shared_ptr<const std::uint32_t[]> indices_;  // size_ entries, sorted by the pair's name
  std::size_t size_ = 0;
};

}  // namespace nclab
